//! Slicing: `--by` dimensions and `--period`.
//!
//! A *scope* is what one result measures: the lines of one period (or of the whole window) and,
//! under order-line dimensions, one combination of their values. Every line is routed to its
//! scopes while reading, so each metric folds per scope in the same single pass. Customer
//! dimensions (segment, loyalty) are attributes of a customer, known only once every line is
//! read: customers are split into *cohorts* when the results are made.

use rustc_hash::FxHashMap as HashMap;

use chrono::{Datelike, NaiveDate};

use super::Window;
use crate::input::book::Interner;
use crate::input::{Book, Line};

/// The value id of an empty cell: the group `(none)`.
pub const NONE: u32 = u32::MAX;
/// The cohort of every customer: no customer dimension applies.
pub const EVERYONE: u32 = u32::MAX;
/// The category value of a widened scope: any category.
const ANY: u32 = u32::MAX - 1;
/// The campaign_type of a campaign that campaigns.csv does not list: the group `(unknown)`.
pub const UNKNOWN: u32 = u32::MAX - 2;

/// What results can be sliced by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dim {
    /// The customer's segment (customers.csv, or their earliest-dated line).
    Segment,
    /// Loyalty membership: `member` / `non-member`.
    Loyalty,
    /// The line's channel; for campaign metrics, the campaign's channel.
    Channel,
    /// The line's category.
    Category,
    /// The line's campaign_id; for campaign metrics, the campaign itself.
    Campaign,
    /// The campaign_type of the line's (or the) campaign.
    CampaignType,
    /// Any column of orders.csv, e.g. an A/B variant (`column:variant`).
    Column(String),
}

impl Dim {
    pub const NAMES: &'static str =
        "segment, loyalty, channel, category, campaign, campaign-type, column:NAME";

    pub fn parse(text: &str) -> Result<Dim, String> {
        Ok(match text.trim() {
            "segment" => Dim::Segment,
            "loyalty" => Dim::Loyalty,
            "channel" => Dim::Channel,
            "category" => Dim::Category,
            "campaign" => Dim::Campaign,
            "campaign-type" => Dim::CampaignType,
            other => match other.strip_prefix("column:") {
                Some(name) if !name.trim().is_empty() => Dim::Column(name.trim().to_string()),
                _ => return Err(format!("expected one of {}", Dim::NAMES)),
            },
        })
    }

    pub fn name(&self) -> String {
        match self {
            Dim::Segment => "segment".into(),
            Dim::Loyalty => "loyalty".into(),
            Dim::Channel => "channel".into(),
            Dim::Category => "category".into(),
            Dim::Campaign => "campaign".into(),
            Dim::CampaignType => "campaign-type".into(),
            Dim::Column(name) => format!("column:{name}"),
        }
    }

    /// A customer attribute, as opposed to an attribute of each order line.
    pub fn is_customer(&self) -> bool {
        matches!(self, Dim::Segment | Dim::Loyalty)
    }
}

/// The unit of `--period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    /// The period holding `date`, as a number that grows by one from one period to the next.
    pub fn key(self, date: NaiveDate) -> i32 {
        match self {
            // Monday-based weeks, counted from 0001-01-01 (a Monday).
            PeriodKind::Week => (date.num_days_from_ce() - 1).div_euclid(7),
            PeriodKind::Month => date.year() * 12 + date.month0() as i32,
            PeriodKind::Quarter => date.year() * 4 + (date.month0() / 3) as i32,
            PeriodKind::Year => date.year(),
        }
    }

    /// `2025-W07` (ISO week), `2025-03`, `2025-Q1`, `2025`.
    pub fn label(self, key: i32) -> String {
        match self {
            PeriodKind::Week => match NaiveDate::from_num_days_from_ce_opt(key * 7 + 1) {
                Some(day) => {
                    let week = day.iso_week();
                    format!("{:04}-W{:02}", week.year(), week.week())
                }
                None => String::new(),
            },
            PeriodKind::Month => format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
            PeriodKind::Quarter => format!("{:04}-Q{}", key.div_euclid(4), key.rem_euclid(4) + 1),
            PeriodKind::Year => format!("{key:04}"),
        }
    }

    /// The unit of a period label: `2025` a year, `2025-Q1` a quarter, `2025-W07` a week,
    /// `2025-03` a month.
    pub fn of_label(label: &str) -> Option<PeriodKind> {
        let (year, rest) = label.split_at_checked(4)?;
        if !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        match rest.strip_prefix('-') {
            None if rest.is_empty() => Some(PeriodKind::Year),
            Some(q)
                if q.len() == 2
                    && q.starts_with('Q')
                    && matches!(&q[1..], "1" | "2" | "3" | "4") =>
            {
                Some(PeriodKind::Quarter)
            }
            Some(w) if w.starts_with('W') && digits(&w[1..], 2) => Some(PeriodKind::Week),
            Some(m) if digits(m, 2) => Some(PeriodKind::Month),
            _ => None,
        }
    }

    /// The first and last day of period `key`.
    pub fn bounds(self, key: i32) -> Option<(NaiveDate, NaiveDate)> {
        let first = match self {
            PeriodKind::Week => NaiveDate::from_num_days_from_ce_opt(key * 7 + 1)?,
            PeriodKind::Month => {
                NaiveDate::from_ymd_opt(key.div_euclid(12), key.rem_euclid(12) as u32 + 1, 1)?
            }
            PeriodKind::Quarter => {
                NaiveDate::from_ymd_opt(key.div_euclid(4), key.rem_euclid(4) as u32 * 3 + 1, 1)?
            }
            PeriodKind::Year => NaiveDate::from_ymd_opt(key, 1, 1)?,
        };
        let next = first.iter_days().find(|d| self.key(*d) != key)?;
        Some((first, next.pred_opt()?))
    }

    /// The periods from the one holding `first` to the one holding `last`.
    pub fn range(self, first: NaiveDate, last: NaiveDate) -> std::ops::RangeInclusive<i32> {
        self.key(first)..=self.key(last)
    }
}

/// How results are sliced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slicing {
    pub dims: Vec<Dim>,
    pub period: Option<PeriodKind>,
}

impl Slicing {
    pub fn line_dims(&self) -> impl Iterator<Item = &Dim> {
        self.dims.iter().filter(|d| !d.is_customer())
    }

    pub fn customer_dims(&self) -> impl Iterator<Item = &Dim> {
        self.dims.iter().filter(|d| d.is_customer())
    }

    /// `segment/channel`: the dimensions in the order given, empty without any.
    pub fn by(&self) -> String {
        self.dims
            .iter()
            .map(Dim::name)
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// What a scope measures: a period (`None`: the whole window) and the values of the line
/// dimensions (`None`: every line).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScopeKey {
    pub period: Option<i32>,
    pub values: Option<Box<[u32]>>,
}

/// A scope, by the order in which lines reached it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeId(pub u32);

impl ScopeId {
    /// The scope of every line of the first line's period (of every line, without `--period`):
    /// the one the folds keep in vectors by customer.
    pub const MAIN: ScopeId = ScopeId(0);
}

/// One scope a line is measured in. `wide` is the same scope with the category dimension
/// widened to every category: cross-sell by category counts categories across all of a
/// customer's lines (see `cross_sell`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub scope: ScopeId,
    pub wide: ScopeId,
}

/// Routes each line to the scopes it is measured in, interning scopes as they appear.
#[derive(Debug)]
pub struct Router {
    window: Window,
    period: Option<PeriodKind>,
    line_dims: Vec<Dim>,
    /// Also route to whole-window scopes (retention under `--period` uses its own periods).
    whole_window_too: bool,
    /// Campaign id → its campaign_type's id in `types`.
    campaign_types: Vec<u32>,
    pub types: Interner,
    ids: HashMap<ScopeKey, ScopeId>,
    keys: Vec<ScopeKey>,
    slots: Vec<Slot>,
    /// The last period routed to and its whole-period scope: consecutive lines mostly share it.
    last_all: Option<(Option<i32>, ScopeId)>,
}

impl Router {
    pub fn new(
        window: Window,
        slicing: &Slicing,
        whole_window_too: bool,
        campaign_types: &[Option<String>],
    ) -> Router {
        let mut types = Interner::default();
        let campaign_types = campaign_types
            .iter()
            .map(|t| t.as_deref().map_or(NONE, |t| types.intern(t)))
            .collect();
        Router {
            window,
            period: slicing.period,
            line_dims: slicing.line_dims().cloned().collect(),
            whole_window_too: whole_window_too && slicing.period.is_some(),
            campaign_types,
            types,
            ids: HashMap::default(),
            keys: Vec::new(),
            slots: Vec::new(),
            last_all: None,
        }
    }

    /// The scopes `line` is measured in: none when it lies outside the window.
    pub fn route(&mut self, line: &Line) -> &[Slot] {
        self.slots.clear();
        if !self.window.contains(line.date) {
            return &self.slots;
        }
        let values: Option<Box<[u32]>> = (!self.line_dims.is_empty())
            .then(|| self.line_dims.iter().map(|d| self.value(d, line)).collect());
        let wide: Option<Box<[u32]>> = values.as_ref().and_then(|v| {
            let category = self.line_dims.iter().position(|d| *d == Dim::Category)?;
            let mut wide = v.clone();
            wide[category] = ANY;
            Some(wide)
        });
        let mut periods = [self.period.map(|p| p.key(line.date)), None];
        let count = if self.whole_window_too { 2 } else { 1 };
        for period in &mut periods[..count] {
            let all = match self.last_all {
                Some((last, all)) if last == *period => all,
                _ => {
                    let all = self.intern(ScopeKey {
                        period: *period,
                        values: None,
                    });
                    self.last_all = Some((*period, all));
                    all
                }
            };
            self.slots.push(Slot {
                scope: all,
                wide: all,
            });
            if let Some(values) = &values {
                let scope = self.intern(ScopeKey {
                    period: *period,
                    values: Some(values.clone()),
                });
                let wide = match &wide {
                    None => scope,
                    Some(_) if self.line_dims.len() == 1 => all,
                    Some(w) => self.intern(ScopeKey {
                        period: *period,
                        values: Some(w.clone()),
                    }),
                };
                self.slots.push(Slot { scope, wide });
            }
        }
        &self.slots
    }

    fn value(&self, dim: &Dim, line: &Line) -> u32 {
        let known = |id: Option<u32>| id.unwrap_or(NONE);
        match dim {
            Dim::Channel => known(line.channel),
            Dim::Category => known(line.category),
            Dim::Campaign => known(line.campaign),
            Dim::CampaignType => match line.campaign {
                None => NONE,
                Some(c) => self
                    .campaign_types
                    .get(c as usize)
                    .copied()
                    .unwrap_or(UNKNOWN),
            },
            Dim::Column(_) => known(line.extra),
            Dim::Segment | Dim::Loyalty => NONE,
        }
    }

    fn intern(&mut self, key: ScopeKey) -> ScopeId {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = ScopeId(self.keys.len() as u32);
        self.ids.insert(key.clone(), id);
        self.keys.push(key);
        id
    }

    /// The scope of `key`; `None` when no line was measured in it.
    pub fn find(&self, key: &ScopeKey) -> Option<ScopeId> {
        self.ids.get(key).copied()
    }

    pub fn key(&self, scope: ScopeId) -> Option<&ScopeKey> {
        self.keys.get(scope.0 as usize)
    }

    pub fn line_dims(&self) -> &[Dim] {
        &self.line_dims
    }
}

/// Customers split by the customer dimensions.
#[derive(Debug, Default)]
pub struct Cohorts {
    /// Per customer, their cohort; empty when there is no customer dimension.
    of: Vec<u32>,
    keys: Vec<Box<[u32]>>,
}

/// A customer's attributes from customers.csv, which win over those on the order lines (see
/// [`Book::apply`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attributes {
    /// An id in [`Book::segments`].
    pub segment: Option<u32>,
    pub loyalty: Option<bool>,
}

impl Cohorts {
    /// The cohorts of the book's customers, whose attributes already include customers.csv.
    pub fn new(book: &Book, dims: &[Dim]) -> Cohorts {
        if dims.is_empty() {
            return Cohorts::default();
        }
        let mut ids: HashMap<Box<[u32]>, u32> = HashMap::default();
        let mut cohorts = Cohorts::default();
        for facts in &book.customer {
            let key: Box<[u32]> = dims
                .iter()
                .map(|d| match d {
                    Dim::Segment => facts.segment.map_or(NONE, |s| s.1),
                    Dim::Loyalty => u32::from(facts.member),
                    _ => NONE,
                })
                .collect();
            let next = cohorts.keys.len() as u32;
            let id = *ids.entry(key.clone()).or_insert_with(|| {
                cohorts.keys.push(key);
                next
            });
            cohorts.of.push(id);
        }
        cohorts
    }

    pub fn of(&self, customer: u32) -> u32 {
        self.of.get(customer as usize).copied().unwrap_or(EVERYONE)
    }

    pub fn key(&self, cohort: u32) -> Option<&[u32]> {
        self.keys.get(cohort as usize).map(|k| &k[..])
    }
}

/// The label part of a dimension's value (`Dim::CampaignType` names come from `types`).
pub fn value_label(book: &Book, types: Option<&Interner>, dim: &Dim, value: u32) -> String {
    if value == NONE {
        return label_part("");
    }
    if value == UNKNOWN {
        return "(unknown)".to_string();
    }
    let text = match dim {
        Dim::Segment => book.segments.name(value),
        Dim::Loyalty => {
            return if value == 1 { "member" } else { "non-member" }.to_string();
        }
        Dim::Channel => book.channels.name(value),
        Dim::Category => book.categories.name(value),
        Dim::Campaign => book.campaigns.name(value),
        Dim::CampaignType => types.map_or("", |t| t.name(value)),
        Dim::Column(_) => book.extras.name(value),
    };
    label_part(text)
}

/// A group label part: `(none)` for an empty value; quoted when it holds the separator `/` or
/// a quote, or reads like a label xsell makes itself (`(none)`, `(unknown)`, `all`).
pub fn label_part(value: &str) -> String {
    if value.is_empty() {
        "(none)".to_string()
    } else if value.contains(['/', '"']) || matches!(value, "(none)" | "(unknown)" | "all") {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_have_iso_labels_and_consecutive_keys() {
        let week = PeriodKind::Week;
        // 2025-01-01 is a Wednesday in ISO week 2025-W01; 2024-12-30 is its Monday.
        assert_eq!(week.label(week.key(d("2025-01-01"))), "2025-W01");
        assert_eq!(week.key(d("2024-12-30")), week.key(d("2025-01-05")));
        assert_eq!(week.key(d("2025-01-06")), week.key(d("2025-01-05")) + 1);
        assert_eq!(week.label(week.key(d("2025-02-14"))), "2025-W07");
        // 2021-01-03 (a Sunday) belongs to ISO week 53 of 2020.
        assert_eq!(week.label(week.key(d("2021-01-03"))), "2020-W53");
        assert_eq!(
            PeriodKind::Month.label(PeriodKind::Month.key(d("2025-03-31"))),
            "2025-03"
        );
        let q = PeriodKind::Quarter;
        assert_eq!(q.label(q.key(d("2025-03-31"))), "2025-Q1");
        assert_eq!(q.key(d("2025-04-01")), q.key(d("2025-03-31")) + 1);
        assert_eq!(q.label(q.key(d("2024-12-31")) + 1), "2025-Q1");
        assert_eq!(
            PeriodKind::Year.label(PeriodKind::Year.key(d("2025-07-01"))),
            "2025"
        );
        assert_eq!(
            PeriodKind::Month
                .range(d("2024-11-15"), d("2025-02-01"))
                .count(),
            4
        );
    }

    #[test]
    fn period_labels_tell_their_unit() {
        assert_eq!(PeriodKind::of_label("2025"), Some(PeriodKind::Year));
        assert_eq!(PeriodKind::of_label("2025-Q3"), Some(PeriodKind::Quarter));
        assert_eq!(PeriodKind::of_label("2025-W07"), Some(PeriodKind::Week));
        assert_eq!(PeriodKind::of_label("2025-03"), Some(PeriodKind::Month));
        for bad in ["25-03", "2025-Q5", "2025-3", "2025/03", "march"] {
            assert_eq!(PeriodKind::of_label(bad), None, "{bad}");
        }
    }

    #[test]
    fn labels_keep_the_separator_unambiguous() {
        assert_eq!(label_part(""), "(none)");
        assert_eq!(label_part("email"), "email");
        assert_eq!(label_part("a/b"), "\"a/b\"");
        assert_eq!(label_part("say \"hi\"/x"), "\"say \"\"hi\"\"/x\"");
    }

    #[test]
    fn dimensions_parse_by_name() {
        assert_eq!(Dim::parse("campaign-type"), Ok(Dim::CampaignType));
        assert_eq!(
            Dim::parse("column:variant"),
            Ok(Dim::Column("variant".into()))
        );
        assert!(Dim::parse("column:").is_err());
        assert!(Dim::parse("region").is_err());
    }
}
