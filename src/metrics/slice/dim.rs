//! What results can be sliced by, and the value ids a dimension's groups are made of.

use crate::input::{Customers, Line, OrderColumns};

/// The value id of an empty cell: the group `(none)`.
pub const NONE: u32 = u32::MAX;
/// The category value of a widened scope: any category.
pub(super) const ANY: u32 = u32::MAX - 1;
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

    /// The orders.csv column the dimension reads (campaign_id for a campaign's type); `None`
    /// for `column:NAME`, whose column the user names.
    pub fn column(&self) -> Option<&'static str> {
        match self {
            Dim::Segment => Some("segment"),
            Dim::Loyalty => Some("loyalty"),
            Dim::Channel => Some("channel"),
            Dim::Category => Some("category"),
            Dim::Campaign | Dim::CampaignType => Some("campaign_id"),
            Dim::Column(_) => None,
        }
    }

    /// Whether the inputs have the dimension's column: every orders file, or for a customer
    /// dimension the orders or customers.csv. `column:NAME` is checked as the files open.
    pub fn has_column(&self, orders: &OrderColumns, customers: Option<&Customers>) -> bool {
        let Some(column) = self.column() else {
            return true;
        };
        orders.has(column)
            || (self.is_customer() && customers.is_some_and(|c| c.columns.contains(column)))
    }

    /// A line's value of an order-line dimension: its id, or [`NONE`] for an empty cell. A
    /// campaign's type comes from campaigns.csv (the router's business); a customer dimension
    /// has no value on a line (see `CustomerGroups`): both are [`NONE`] here.
    pub fn line_value(&self, line: &Line) -> u32 {
        let value = match self {
            Dim::Channel => line.channel,
            Dim::Category => line.category,
            Dim::Campaign => line.campaign,
            Dim::Column(_) => line.extra,
            Dim::CampaignType | Dim::Segment | Dim::Loyalty => None,
        };
        value.unwrap_or(NONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
