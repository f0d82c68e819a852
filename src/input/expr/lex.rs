//! The expression syntax's tokens: names, quoted names and texts, numbers and symbols, each
//! with the byte range it came from.

use super::parse::{ParseError, Spanned};

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Token {
    /// A bare word: a column name, a keyword or a function name.
    Word(String),
    /// A `"quoted column name"`.
    Quoted(String),
    /// A `'text value'`.
    Text(String),
    Number(String),
    /// An operator or punctuation: `=`, `!=`, `<=`, `(`, `,`, ...
    Symbol(&'static str),
    End,
}

/// Splits `text` into tokens with their byte ranges; the last token is [`Token::End`].
pub(super) fn tokens(text: &str) -> Result<Vec<Spanned<Token>>, ParseError> {
    const SYMBOLS: [&str; 12] = [
        "!=", "<>", "<=", ">=", "=", "<", ">", "+", "-", "*", "(", ")",
    ];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let token = if c == b'"' || c == b'\'' {
            // A quote inside is written twice, as in SQL and CSV.
            let mut value = String::new();
            i += 1;
            loop {
                let Some(end) = text[i..].find(c as char).map(|n| i + n) else {
                    let what = if c == b'"' { "column name" } else { "text" };
                    return Err(ParseError {
                        message: format!("this quoted {what} is never closed"),
                        at: (start, text.len()),
                    });
                };
                value.push_str(&text[i..end]);
                i = end + 1;
                if bytes.get(i) == Some(&c) {
                    value.push(c as char);
                    i += 1;
                } else {
                    break;
                }
            }
            if c == b'"' {
                Token::Quoted(value)
            } else {
                Token::Text(value)
            }
        } else if c.is_ascii_digit()
            || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            Token::Number(text[start..i].to_string())
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            Token::Word(text[start..i].to_string())
        } else if c == b',' {
            i += 1;
            Token::Symbol(",")
        } else if let Some(s) = SYMBOLS.iter().find(|s| text[i..].starts_with(**s)) {
            i += s.len();
            Token::Symbol(s)
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            let hint = if ch == '/' {
                "; division is not offered, as its result is seldom exact money"
            } else if ch == ':' {
                "; a --where label before the condition is lowercase letters, digits and hyphens \
                 (non-product: ...)"
            } else {
                "; a column name with spaces or punctuation is written in double quotes"
            };
            return Err(ParseError {
                message: format!("unexpected {ch:?}{hint}"),
                at: (start, start + ch.len_utf8()),
            });
        };
        out.push((token, (start, i)));
    }
    out.push((Token::End, (text.len(), text.len())));
    Ok(out)
}
