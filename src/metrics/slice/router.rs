//! Routing: each line to the scopes it is measured in, while reading.

use rustc_hash::FxHashMap as HashMap;

use super::super::Window;
use super::dim::{ANY, NONE, UNKNOWN};
use super::{Dim, PeriodKind, Slicing};
use crate::input::Line;
use crate::input::book::Interner;

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
pub struct Route {
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
    routes: Vec<Route>,
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
            routes: Vec::new(),
            last_all: None,
        }
    }

    /// The scopes `line` is measured in: none when it lies outside the window.
    pub fn route(&mut self, line: &Line) -> &[Route] {
        self.routes.clear();
        if !self.window.contains(line.date) {
            return &self.routes;
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
            self.routes.push(Route {
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
                self.routes.push(Route { scope, wide });
            }
        }
        &self.routes
    }

    fn value(&self, dim: &Dim, line: &Line) -> u32 {
        match (dim, line.campaign) {
            (Dim::CampaignType, Some(c)) => self
                .campaign_types
                .get(c as usize)
                .copied()
                .unwrap_or(UNKNOWN),
            _ => dim.line_value(line),
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
