//! The expression syntax: tokens, a precedence-climbing parser, and errors with a caret under
//! the mistake. Column names are resolved while parsing, so that an unknown one is pointed at.

use super::build::{arithmetic, in_list, logic, negate, no_impossible_date, number_operand};
use super::lex::{Token, tokens};
use super::number::{Decimal, NumberError};
use super::{Cmp, Kind, Node};

/// A parse error: what is wrong, and the byte range of the text it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub message: String,
    pub at: (usize, usize),
}

impl ParseError {
    /// The message, then `text` with a caret line under the mistake.
    pub(crate) fn render(&self, text: &str) -> String {
        // A tab shown as a space, so that the caret lines up under it.
        let text = &text.replace('\t', " ");
        let start = text[..self.at.0.min(text.len())].chars().count();
        let width = text
            .get(self.at.0..self.at.1)
            .map_or(1, |s| s.chars().count().max(1));
        format!(
            "{}\n    {text}\n    {}{}",
            self.message,
            " ".repeat(start),
            "^".repeat(width)
        )
    }
}

/// An error about the text at `at`.
pub(super) fn err<T>(message: impl Into<String>, at: (usize, usize)) -> Result<T, ParseError> {
    Err(ParseError {
        message: message.into(),
        at,
    })
}

/// Turns a column name into its node, or says why the file has no such column.
pub(crate) type Resolve<'r> = &'r dyn Fn(&str) -> Result<Node, String>;

/// Parses `text` into a node, column names resolved by `resolve`.
pub(crate) fn parse(text: &str, resolve: Resolve) -> Result<Node, ParseError> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        pos: 0,
        resolve,
        depth: 0,
    };
    let (node, _) = parser.or()?;
    match parser.peek() {
        Token::End if node.depth() > MAX_DEPTH => err(
            format!("the expression is more than {MAX_DEPTH} operations deep; split it"),
            (0, text.len()),
        ),
        Token::End => Ok(node),
        Token::Symbol(")") => err("this ) closes no (", parser.span()),
        _ => err(
            "expected an operator (such as + or and) or the end here",
            parser.span(),
        ),
    }
}

struct Parser<'r> {
    tokens: Vec<Spanned<Token>>,
    pos: usize,
    resolve: Resolve<'r>,
    /// How deep the parser is in parentheses, functions, `not` and `-`.
    depth: usize,
}

/// The deepest nesting of parentheses, functions, `not` and `-` an expression may have, and the
/// deepest tree (a chain of `and`, `or`, `+` or `*` deepens it too): parsing and evaluating
/// recurse, and a stack must not overflow on a hostile expression.
const MAX_NESTING: usize = 64;
const MAX_DEPTH: usize = 1000;

/// A token or node and the byte range of the text it came from.
pub(super) type Spanned<T = Node> = (T, (usize, usize));

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].0
    }

    fn span(&self) -> (usize, usize) {
        self.tokens[self.pos.min(self.tokens.len() - 1)].1
    }

    /// Whether the next token is the keyword `word` (in any case); if so, takes it.
    fn keyword(&mut self, word: &str) -> bool {
        let is = matches!(self.peek(), Token::Word(w) if w.eq_ignore_ascii_case(word));
        self.pos += usize::from(is);
        is
    }

    fn symbol(&mut self, symbol: &str) -> bool {
        let is = matches!(self.peek(), Token::Symbol(s) if *s == symbol);
        self.pos += usize::from(is);
        is
    }

    fn require(&mut self, symbol: &str, what: &str) -> Result<usize, ParseError> {
        let end = self.span().1;
        if self.symbol(symbol) {
            return Ok(end);
        }
        err(format!("expected {symbol} {what}"), self.span())
    }

    fn or(&mut self) -> Result<Spanned, ParseError> {
        self.enter()?;
        let mut left = self.and()?;
        while self.keyword("or") {
            let right = self.and()?;
            left = logic(left, right, Node::Or)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    /// One level deeper (see [`MAX_NESTING`]); the caller steps back with `depth -= 1`.
    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return err(
                format!("the expression nests more than {MAX_NESTING} deep; write it flatter"),
                self.span(),
            );
        }
        Ok(())
    }

    fn and(&mut self) -> Result<Spanned, ParseError> {
        let mut left = self.not()?;
        while self.keyword("and") {
            let right = self.not()?;
            left = logic(left, right, Node::And)?;
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Spanned, ParseError> {
        let start = self.span().0;
        if self.keyword("not") {
            self.enter()?;
            let (node, at) = self.not()?;
            self.depth -= 1;
            if node.kind() != Kind::Bool {
                return err("not needs a condition, such as not x = 'a'", at);
            }
            return Ok((Node::Not(Box::new(node)), (start, at.1)));
        }
        self.condition()
    }

    /// A comparison, `in (...)`, `is [not] empty` or `[not] starts with`, or a value.
    fn condition(&mut self) -> Result<Spanned, ParseError> {
        let left = self.sum()?;
        let start = left.1.0;
        let value = |(node, at): &Spanned| -> Result<(), ParseError> {
            match node.kind() {
                Kind::Bool => err("a condition cannot be compared; use and / or", *at),
                _ => Ok(()),
            }
        };
        let cmp = match self.peek() {
            Token::Symbol("=") => Some(Cmp::Eq),
            Token::Symbol("!=" | "<>") => Some(Cmp::Ne),
            Token::Symbol("<") => Some(Cmp::Lt),
            Token::Symbol("<=") => Some(Cmp::Le),
            Token::Symbol(">") => Some(Cmp::Gt),
            Token::Symbol(">=") => Some(Cmp::Ge),
            _ => None,
        };
        if let Some(cmp) = cmp {
            value(&left)?;
            self.pos += 1;
            let right = self.sum()?;
            value(&right)?;
            no_impossible_date(&left)?;
            no_impossible_date(&right)?;
            let at = (start, right.1.1);
            return Ok((Node::Compare(cmp, Box::new(left.0), Box::new(right.0)), at));
        }
        if self.keyword("is") {
            value(&left)?;
            let negated = self.keyword("not");
            let end = self.span().1;
            if !self.keyword("empty") {
                return err(
                    "expected empty after is (is empty, is not empty)",
                    self.span(),
                );
            }
            let node = Node::IsEmpty(Box::new(left.0));
            return Ok((negate(node, negated), (start, end)));
        }
        let negated = self.keyword("not");
        if self.keyword("in") {
            value(&left)?;
            let (list, end) = self.list()?;
            let node = in_list(left.0, list);
            return Ok((negate(node, negated), (start, end)));
        }
        if self.keyword("starts") {
            value(&left)?;
            if !self.keyword("with") {
                return err("expected with after starts", self.span());
            }
            let right = self.sum()?;
            for (node, at) in [&left, &right] {
                if node.kind() != Kind::Text {
                    return err(
                        "starts with compares texts: a column or a quoted text ('8', not 8)",
                        *at,
                    );
                }
            }
            let at = (start, right.1.1);
            let node = Node::StartsWith(Box::new(left.0), Box::new(right.0));
            return Ok((negate(node, negated), at));
        }
        if negated {
            self.pos -= 1;
            return err(
                "expected in or starts with after not (x not in (...), x not starts with '...')",
                self.span(),
            );
        }
        Ok(left)
    }

    /// The values of `in ('a', 'b')`, and where its `)` ends.
    fn list(&mut self) -> Result<(Vec<Node>, usize), ParseError> {
        self.require("(", "after in, as in x in ('a', 'b')")?;
        let mut list = Vec::new();
        loop {
            let (item, at) = self.sum()?;
            if item.kind() == Kind::Bool {
                return err("a condition cannot be compared; use and / or", at);
            }
            list.push(item);
            if !self.symbol(",") {
                break;
            }
        }
        let end = self.require(")", "or , in the list of in (...)")?;
        Ok((list, end))
    }

    fn sum(&mut self) -> Result<Spanned, ParseError> {
        let mut left = self.product()?;
        loop {
            let negative = match self.peek() {
                Token::Symbol("+") => false,
                Token::Symbol("-") => true,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.product()?;
            number_operand(&right.0, right.1)?;
            let right = if negative {
                (Node::Neg(Box::new(right.0)), right.1)
            } else {
                right
            };
            left = arithmetic(left, right, Node::Add)?;
        }
    }

    fn product(&mut self) -> Result<Spanned, ParseError> {
        let mut left = self.unary()?;
        while *self.peek() == Token::Symbol("*") {
            self.pos += 1;
            let right = self.unary()?;
            left = arithmetic(left, right, Node::Mul)?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Spanned, ParseError> {
        let start = self.span().0;
        if *self.peek() == Token::Symbol("-") {
            self.pos += 1;
            self.enter()?;
            let (node, at) = self.unary()?;
            self.depth -= 1;
            number_operand(&node, at)?;
            return Ok((Node::Neg(Box::new(node)), (start, at.1)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Spanned, ParseError> {
        let at = self.span();
        let token = self.peek().clone();
        self.pos += 1;
        match token {
            Token::Number(text) => match Decimal::parse(&text) {
                Ok(n) => Ok((Node::Number(n), at)),
                Err(NumberError::Syntax) => err(format!("{text} is not a number"), at),
                Err(_) => err(
                    format!("{text} has too many digits for exact arithmetic"),
                    at,
                ),
            },
            Token::Text(text) => Ok((Node::Text(text), at)),
            Token::Quoted(name) => self.column(&name, at),
            Token::Symbol("(") => {
                let (node, _) = self.or()?;
                if !self.symbol(")") {
                    return err("this ( is never closed", at);
                }
                Ok((node, (at.0, self.tokens[self.pos - 1].1.1)))
            }
            Token::Word(word) if *self.peek() == Token::Symbol("(") => self.call(&word, at),
            Token::Word(word) if is_keyword(&word) => err(
                format!(
                    "expected a column, a value or ( here, not the keyword {word}; a column \
                     of that name is written \"{word}\""
                ),
                at,
            ),
            Token::Word(name) => self.column(&name, at),
            Token::End => err(
                "the expression ends here; expected a column, a value or (",
                at,
            ),
            Token::Symbol(s) => err(format!("expected a column, a value or ( here, not {s}"), at),
        }
    }

    fn column(&self, name: &str, at: (usize, usize)) -> Result<Spanned, ParseError> {
        match (self.resolve)(name) {
            Ok(node) => Ok((node, at)),
            Err(message) => err(message, at),
        }
    }

    /// `coalesce(a, b, ...)`, `strip_suffix(x, 'text')`, `round(x, places)`.
    fn call(&mut self, name: &str, at: (usize, usize)) -> Result<Spanned, ParseError> {
        self.pos += 1; // (
        let mut args: Vec<Spanned> = Vec::new();
        if !self.symbol(")") {
            loop {
                let arg = self.or()?;
                if arg.0.kind() == Kind::Bool {
                    return err(format!("{name}() takes values, not conditions"), arg.1);
                }
                args.push(arg);
                if !self.symbol(",") {
                    break;
                }
            }
            self.require(")", &format!("or , in the arguments of {name}(...)"))?;
        }
        let whole = (at.0, self.tokens[self.pos - 1].1.1);
        if name.eq_ignore_ascii_case("column") {
            return self.first_column(&args, whole);
        }
        let lower = name.to_ascii_lowercase();
        let mut values = args.into_iter();
        let node = match (lower.as_str(), values.next(), values.next(), values.next()) {
            ("coalesce", Some(a), Some(b), third) => {
                let all = [a, b].into_iter().chain(third).chain(values);
                Node::Coalesce(all.map(|(node, _)| node).collect())
            }
            ("strip_suffix", Some((x, xat)), Some((Node::Text(suffix), _)), None) => {
                if x.kind() != Kind::Text {
                    return err("strip_suffix() takes a text, such as a column", xat);
                }
                Node::StripSuffix(Box::new(x), suffix)
            }
            ("round", Some((x, xat)), Some((Node::Number(places), pat)), None) => {
                number_operand(&x, xat)?;
                let places = match places.to_whole() {
                    Some(p @ 0..=4) => p as u32,
                    _ => return err("round()'s places must be 0 to 4", pat),
                };
                Node::Round(Box::new(x), places)
            }
            ("coalesce", ..) => return err("coalesce() takes two values or more", whole),
            ("strip_suffix", ..) => {
                return err(
                    "strip_suffix() takes a column and a quoted text: strip_suffix(id, '.0')",
                    whole,
                );
            }
            ("round", ..) => {
                return err(
                    "round() takes a number and its places: round(item_revenue, 2)",
                    whole,
                );
            }
            _ => {
                return err(
                    format!(
                        "no function {name}(); there are coalesce, strip_suffix, round and column"
                    ),
                    (at.0, at.1),
                );
            }
        };
        Ok((node, whole))
    }
}

impl Parser<'_> {
    /// `column('Price', 'UnitPrice')`: the first of these columns the file has, for a preset
    /// that reads layouts which name a column differently.
    fn first_column(&self, args: &[Spanned], whole: (usize, usize)) -> Result<Spanned, ParseError> {
        let mut names = Vec::new();
        for (arg, at) in args {
            let Node::Text(name) = arg else {
                return err("column() takes header names in single quotes", *at);
            };
            if let Ok(node) = (self.resolve)(name) {
                return Ok((node, whole));
            }
            names.push(format!("{name:?}"));
        }
        if names.is_empty() {
            return err(
                "column() takes one header name or more: column('Price', 'UnitPrice')",
                whole,
            );
        }
        err(
            format!("the file has none of the columns {}", names.join(", ")),
            whole,
        )
    }
}

fn is_keyword(word: &str) -> bool {
    ["and", "or", "not", "in", "is", "empty", "starts", "with"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}
