use super::parse::ParseError;
use super::*;

/// A row of named cells, read as plain decimals and ISO dates.
struct Row(Vec<(&'static str, &'static str)>);

impl Cells for Row {
    fn text(&self, index: usize) -> Result<&str, EvalError> {
        Ok(self.0[index].1)
    }
    fn number(&self, text: &str) -> Result<Decimal, NumberError> {
        Decimal::parse(text)
    }
    fn date(&self, text: &str) -> Option<NaiveDate> {
        crate::input::date::parse(text)
    }
}

const SHOPIFY: &[(&str, &str)] = &[
    ("Name", "#1001"),
    ("Lineitem quantity", "3"),
    ("Lineitem price", "19.99"),
    ("Lineitem discount", "5.00"),
    ("Lineitem sku", ""),
    ("Lineitem name", "Mug"),
    ("Financial Status", "refunded"),
    ("Created at", "2024-03-05 14:22:11 -0500"),
    ("Customer ID", "13085.0"),
    ("Blank", ""),
];

fn row() -> Row {
    Row(SHOPIFY.to_vec())
}

fn compile(text: &str) -> Result<Node, ParseError> {
    parse(text, &|name| {
        (SHOPIFY.iter())
            .position(|(h, _)| *h == name)
            .map(Node::Column)
            .ok_or(format!("the file has no column {name:?}"))
    })
}

fn number(text: &str) -> Option<Decimal> {
    compile(text).unwrap().number(&row()).unwrap()
}

fn holds(text: &str) -> bool {
    compile(text).unwrap().holds(&row()).unwrap()
}

fn d(text: &str) -> Decimal {
    Decimal::parse(text).unwrap()
}

#[test]
fn line_amounts_are_exact() {
    // 3 × 19.99 − 5.00 = 54.97
    let amount = r#""Lineitem quantity" * "Lineitem price" - "Lineitem discount""#;
    assert_eq!(number(amount), Some(d("54.97")));
    // Precedence: 2 + 3 × 2 = 8; (2 + 3) × 2 = 10; −(3) × 2 = −6.
    assert_eq!(number("2 + 3 * 2"), Some(d("8")));
    assert_eq!(number("(2 + 3) * 2"), Some(d("10")));
    assert_eq!(number(r#"-"Lineitem quantity" * 2"#), Some(d("-6")));
    assert_eq!(number("10 - 2 - 3"), Some(d("5")));
}

#[test]
fn empty_cells_make_arithmetic_empty_until_coalesced() {
    assert_eq!(number(r#""Lineitem price" * Blank"#), None);
    assert_eq!(
        number(r#""Lineitem price" - coalesce(Blank, 0)"#),
        Some(d("19.99"))
    );
    // round(19.99 × 0.333, 2): 6.65667 → 6.66
    assert_eq!(
        number(r#"round("Lineitem price" * 0.333, 2)"#),
        Some(d("6.66"))
    );
}

#[test]
fn text_functions() {
    let text = |e: &str| compile(e).unwrap().text(&row()).unwrap().to_string();
    assert_eq!(text(r#"coalesce("Lineitem sku", "Lineitem name")"#), "Mug");
    assert_eq!(text(r#"coalesce(Blank, "Lineitem sku")"#), "");
    assert_eq!(text(r#"strip_suffix("Customer ID", '.0')"#), "13085");
    assert_eq!(text(r#"strip_suffix(Name, '.0')"#), "#1001");
}

#[test]
fn conditions() {
    assert!(holds(r#""Financial Status" in ('voided', 'refunded')"#));
    assert!(!holds(
        r#""Financial Status" not in ('voided', 'refunded')"#
    ));
    assert!(holds(
        r#"not "Financial Status" = 'paid' and Name starts with '#10'"#
    ));
    assert!(holds(
        r#""Lineitem sku" is empty and "Lineitem name" is not empty"#
    ));
    assert!(holds(
        r#""Lineitem quantity" >= 3 and "Lineitem quantity" < 3.5"#
    ));
    // Numbers compare as numbers: '19.99' < 100 although "19.99" > "100" as text.
    assert!(holds(r#""Lineitem price" < 100"#));
    assert!(holds(r#""Lineitem price" > '100'"#));
    // An empty cell is false in a numeric comparison, either way round.
    assert!(!holds("Blank < 1") && !holds("Blank >= 1") && holds("Blank = ''"));
    // Dates compare as dates, whatever the time after them.
    assert!(holds(
        r#""Created at" >= '2024-03-05' and "Created at" < '2024-03-06'"#
    ));
    // or binds looser than and: false and false or true.
    assert!(holds("Name = 'x' and Name = 'y' or Name = '#1001'"));
    assert!(!holds("Name = 'x' and (Name = 'y' or Name = '#1001')"));
    // Keywords in any case.
    assert!(holds(r#""Lineitem sku" IS EMPTY AND NOT Name IN ('a')"#));
}

#[test]
fn cell_that_is_not_a_number_names_its_column() {
    let e = compile(r#""Lineitem name" * 2"#)
        .unwrap()
        .number(&row())
        .unwrap_err();
    assert_eq!(e.column, Some(5));
    assert_eq!(e.value, "Mug");
}

#[test]
fn parse_errors_point_at_the_mistake() {
    let caret = |text: &str| compile(text).unwrap_err().render(text);
    assert_eq!(
        caret(r#""Lineitem quantity" * * "Lineitem price""#),
        "expected a column, a value or ( here, not *\n    \
         \"Lineitem quantity\" * * \"Lineitem price\"\n                          ^"
    );
    assert_eq!(
        caret(r#""Lineitem prce" * 2"#),
        "the file has no column \"Lineitem prce\"\n    \"Lineitem prce\" * 2\n    ^^^^^^^^^^^^^^^"
    );
    let e = caret("Name in ('a', 'b'");
    assert!(e.starts_with("expected ) or , in the list"), "{e}");
    let e = caret("Lineitem price * 2");
    assert!(e.contains("no column \"Lineitem\""), "{e}");
    let e = caret("Name = 'open");
    assert!(e.starts_with("this quoted text is never closed"), "{e}");
    let e = caret("Name / 2");
    assert!(e.contains("division is not offered"), "{e}");
    let e = caret("round(Name, 7)");
    assert!(e.starts_with("round()'s places must be 0 to 4"), "{e}");
    let e = caret("Name and Name = 'a'");
    assert!(e.starts_with("and / or join conditions"), "{e}");
    let e = caret("lower(Name)");
    assert!(e.starts_with("no function lower()"), "{e}");
    let e = caret("Name = 'a')");
    assert!(e.starts_with("this ) closes no ("), "{e}");
    let e = caret("'a' * 2");
    assert!(e.starts_with("arithmetic on a quoted text"), "{e}");
}

#[test]
fn review_findings_hold() {
    // starts with takes texts: a bare number would be the empty text, a prefix of anything.
    let text = "Name starts with 1";
    let e = compile(text).unwrap_err().render(text);
    assert!(e.starts_with("starts with compares texts"), "{e}");
    assert!(holds("Name starts with '#1'"));
    // Trailing zeros are not a rounding: 19.990 × 3 = 59.970 is 59.97 unchanged.
    let (rounded, changed) = d("19.990").mul(d("3")).unwrap().round(2);
    assert_eq!((rounded, changed), (d("59.97"), false));
    assert!(d("19.995").mul(d("3")).unwrap().round(2).1);
    // Products past 18 decimals are refused, never a wrapped power of ten.
    let tiny = d("0.0000000000001");
    assert_eq!(tiny.mul(tiny), Err(NumberError::Decimals));
    let text = "99999999999999999999999999999999999999999 * 2";
    let e = compile(text).unwrap_err().render(text);
    assert!(e.contains("too many digits"), "{e}");
}

#[test]
fn hostile_expressions_are_refused_or_kept_flat() {
    // Nesting past the limit is an error, not a stack overflow.
    let deep = format!("{}Name{}", "(".repeat(5000), ")".repeat(5000));
    let e = compile(&deep).unwrap_err();
    assert!(
        e.message
            .starts_with("the expression nests more than 64 deep"),
        "{e:?}"
    );
    let nots = format!("{}Name = 'x'", "not ".repeat(20000));
    assert!(
        compile(&nots)
            .unwrap_err()
            .message
            .contains("nests more than")
    );
    // A long chain is one node: 5000 conditions, depth 3 (or, =, leaves).
    let chain = vec!["Name = 'x'"; 5000].join(" or ") + " or Name = '#1001'";
    let node = compile(&chain).unwrap();
    assert_eq!(node.depth(), 3);
    assert!(node.holds(&row()).unwrap());
    // A long list of texts is a set; the answer is the list's.
    let list: Vec<String> = (0..5000).map(|i| format!("'#{i}'")).collect();
    let node = compile(&format!("Name in ({})", list.join(", "))).unwrap();
    assert!(matches!(node, Node::InTexts(..)));
    assert!(node.holds(&row()).unwrap());
    assert!(!holds("Name in ('#1002', '#1000')"));
    // A sum chain is one node too, and exact: 3 + 19.99 + 5.00 - 1 = 26.99.
    let sum = r#""Lineitem quantity" + "Lineitem price" + "Lineitem discount" - 1"#;
    assert_eq!(number(sum), Some(d("26.99")));
}

#[test]
fn an_impossible_date_value_is_refused() {
    let text = "\"Created at\" < '2024-02-30'";
    let e = compile(text).unwrap_err().render(text);
    assert!(e.starts_with("'2024-02-30' is no calendar date"), "{e}");
    assert!(!holds("\"Created at\" < '2024-02-29'"));
}

#[test]
fn carets_line_up_under_tabs_and_unclosed_parentheses() {
    let text = "Name\t*\tMnge";
    assert_eq!(
        compile(text).unwrap_err().render(text),
        "the file has no column \"Mnge\"\n    Name * Mnge\n           ^^^^"
    );
    let text = "(Name = 'a' or Name = 'b'";
    assert_eq!(
        compile(text).unwrap_err().render(text),
        "this ( is never closed\n    (Name = 'a' or Name = 'b'\n    ^"
    );
}

#[test]
fn quotes_inside_names_and_texts_are_doubled() {
    let node = parse(r#""say ""hi""" = 'it''s'"#, &|name| {
        (name == "say \"hi\"")
            .then_some(Node::Text("it's".into()))
            .ok_or_else(String::new)
    })
    .unwrap();
    assert!(node.holds(&row()).unwrap());
}

#[test]
fn column_is_the_first_of_its_names_the_file_has() {
    assert_eq!(
        compile("column('Price', 'Lineitem price')"),
        Ok(Node::Column(2))
    );
    assert_eq!(compile("column('Name')"), Ok(Node::Column(0)));
    let text = "column('Price', 'UnitPrice')";
    assert_eq!(
        compile(text).unwrap_err().render(text),
        "the file has none of the columns \"Price\", \"UnitPrice\"\n    \
         column('Price', 'UnitPrice')\n    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    );
}

#[test]
fn columns_read_are_listed_once() {
    let mut columns = Vec::new();
    compile(r#"coalesce("Lineitem sku", "Lineitem name", "Lineitem sku")"#)
        .unwrap()
        .columns(&mut columns);
    assert_eq!(columns, vec![4, 5]);
}
