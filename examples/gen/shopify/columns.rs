//! The columns of Shopify's orders export ("Export orders" in the admin), in Shopify's order, and
//! the indices of those the generator writes.

/// The columns of Shopify's orders export, in its order.
pub const HEADER: [&str; 79] = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Tax 2 Name",
    "Tax 2 Value",
    "Tax 3 Name",
    "Tax 3 Value",
    "Tax 4 Name",
    "Tax 4 Value",
    "Tax 5 Name",
    "Tax 5 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
];

// Indices into HEADER of the columns written (checked against the names in `Writer::create`).
pub const NAME: usize = 0;
pub const EMAIL: usize = 1;
pub const FINANCIAL_STATUS: usize = 2;
pub const PAID_AT: usize = 3;
pub const FULFILLMENT_STATUS: usize = 4;
pub const FULFILLED_AT: usize = 5;
pub const ACCEPTS_MARKETING: usize = 6;
pub const CURRENCY: usize = 7;
pub const SUBTOTAL: usize = 8;
pub const SHIPPING: usize = 9;
pub const TAXES: usize = 10;
pub const TOTAL: usize = 11;
pub const DISCOUNT_CODE: usize = 12;
pub const DISCOUNT_AMOUNT: usize = 13;
pub const SHIPPING_METHOD: usize = 14;
pub const CREATED_AT: usize = 15;
pub const LINEITEM_QUANTITY: usize = 16;
pub const LINEITEM_NAME: usize = 17;
pub const LINEITEM_PRICE: usize = 18;
pub const LINEITEM_COMPARE_AT_PRICE: usize = 19;
pub const LINEITEM_SKU: usize = 20;
pub const LINEITEM_REQUIRES_SHIPPING: usize = 21;
pub const LINEITEM_TAXABLE: usize = 22;
pub const LINEITEM_FULFILLMENT_STATUS: usize = 23;
pub const BILLING_NAME: usize = 24;
pub const SHIPPING_NAME: usize = 34;
pub const CANCELLED_AT: usize = 46;
pub const PAYMENT_METHOD: usize = 47;
pub const PAYMENT_REFERENCE: usize = 48;
pub const REFUNDED_AMOUNT: usize = 49;
pub const VENDOR: usize = 50;
pub const OUTSTANDING_BALANCE: usize = 51;
pub const EMPLOYEE: usize = 52;
pub const LOCATION: usize = 53;
pub const DEVICE_ID: usize = 54;
pub const ID: usize = 55;
pub const TAGS: usize = 56;
pub const RISK_LEVEL: usize = 57;
pub const SOURCE: usize = 58;
pub const LINEITEM_DISCOUNT: usize = 59;
pub const TAX_1_NAME: usize = 60;
pub const TAX_1_VALUE: usize = 61;
pub const BILLING_PROVINCE_NAME: usize = 73;
pub const SHIPPING_PROVINCE_NAME: usize = 74;
pub const PAYMENT_ID: usize = 75;
pub const PAYMENT_REFERENCES: usize = 78;

/// Panics unless the indices above name the columns they are meant to (a column inserted or
/// removed in HEADER shifts them).
pub fn check() {
    for (col, name) in [
        (EMAIL, "Email"),
        (CREATED_AT, "Created at"),
        (LINEITEM_SKU, "Lineitem sku"),
        (BILLING_NAME, "Billing Name"),
        (SHIPPING_NAME, "Shipping Name"),
        (CANCELLED_AT, "Cancelled at"),
        (VENDOR, "Vendor"),
        (EMPLOYEE, "Employee"),
        (DEVICE_ID, "Device ID"),
        (ID, "Id"),
        (LINEITEM_DISCOUNT, "Lineitem discount"),
        (BILLING_PROVINCE_NAME, "Billing Province Name"),
        (PAYMENT_REFERENCES, "Payment References"),
    ] {
        assert_eq!(HEADER[col], name, "column index of {name}");
    }
}
