//! Label and field selectors as LIST and WATCH accept them (`?labelSelector=` and
//! `?fieldSelector=`): parsing, validation, evaluation and canonical string forms.
//!
//! This module owns the selector grammars and the exact error texts the API server sends
//! back as a 400 `BadRequest` when a selector is malformed, plus the label key and value
//! rules those texts are built from. It does not know which fields a kind supports (the kind
//! table does) nor how objects are stored; callers pass a lookup closure or the label map.
//!
//! Inputs are the already URL-decoded query values.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

/// A malformed or unsupported selector. The message is the user-facing text the server
/// puts in the `BadRequest` status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SelectorError {
    message: String,
}

impl SelectorError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }

    /// The message, as sent to clients.
    pub fn message(&self) -> &str {
        &self.message
    }
}

// ---------------------------------------------------------------------------------------
// Label key and value rules
// ---------------------------------------------------------------------------------------

const LABEL_NAME_MAX: usize = 63;
const LABEL_VALUE_MAX: usize = 63;
const DNS_SUBDOMAIN_MAX: usize = 253;
const LABEL_NAME_RE: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_RE: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const DNS_SUBDOMAIN_RE: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const LABEL_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', \
     and must start and end with an alphanumeric character";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric \
     characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case \
     alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/// Upstream's wording for "did not match this pattern", examples included, because clients
/// and conformance tests compare these texts.
fn regex_error(msg: &str, re: &str, examples: &[&str]) -> String {
    let examples: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
    format!("{msg} (e.g. {}regex used for validation is '{re}')", examples.join(" or "))
}

fn max_len_error(max: usize) -> String {
    format!("must be no more than {max} bytes")
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`: the name part of a key, and any non-empty value.
fn is_label_token(s: &str) -> bool {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() && b.iter().all(inner),
        _ => false,
    }
}

fn is_dns_subdomain(s: &str) -> bool {
    s.split('.').all(|label| {
        let b = label.as_bytes();
        let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
        let edge = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        edge(b.first()) && edge(b.last()) && b.iter().all(inner)
    })
}

fn dns_subdomain_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS_SUBDOMAIN_MAX {
        errs.push(max_len_error(DNS_SUBDOMAIN_MAX));
    }
    if !is_dns_subdomain(s) {
        errs.push(regex_error(DNS_SUBDOMAIN_MSG, DNS_SUBDOMAIN_RE, &["example.com"]));
    }
    errs
}

fn label_name_regex_error() -> String {
    regex_error(LABEL_NAME_MSG, LABEL_NAME_RE, &["MyName", "my.name", "123-abc"])
}

/// Why `key` is not a valid label key (`[prefix/]name`); empty when it is valid.
pub fn label_key_errors(key: &str) -> Vec<String> {
    let parts: Vec<&str> = key.split('/').collect();
    let mut errs = Vec::new();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(dns_subdomain_errors(prefix).into_iter().map(|e| format!("prefix part {e}")));
            }
            *name
        }
        _ => {
            return vec![format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                label_name_regex_error()
            )];
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > LABEL_NAME_MAX {
        errs.push(format!("name part {}", max_len_error(LABEL_NAME_MAX)));
    }
    if !is_label_token(name) {
        errs.push(format!("name part {}", label_name_regex_error()));
    }
    errs
}

/// Why `value` is not a valid label value; empty when it is valid (the empty string is).
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX {
        errs.push(max_len_error(LABEL_VALUE_MAX));
    }
    if !value.is_empty() && !is_label_token(value) {
        errs.push(regex_error(LABEL_VALUE_MSG, LABEL_VALUE_RE, &["MyValue", "my_value", "12345"]));
    }
    errs
}

/// Quotes like Go's `%q`, which upstream uses for offending values in field errors.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x80 && c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Joins field errors the way upstream's aggregate error does: duplicates dropped, a single
/// message bare, several in brackets.
fn aggregate(errs: Vec<String>) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    match seen.len() {
        0 => None,
        1 => seen.pop(),
        _ => Some(format!("[{}]", seen.join(", "))),
    }
}

// ---------------------------------------------------------------------------------------
// Label selector: lexer
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    End,
    Ident(String),
    In,
    NotIn,
    Comma,
    Open,
    Close,
    Bang,
    Eq,
    DoubleEq,
    NotEq,
    Gt,
    Lt,
}

static END: Tok = Tok::End;

impl Tok {
    /// The literal, as quoted in parse errors.
    fn text(&self) -> &str {
        match self {
            Tok::End => "",
            Tok::Ident(s) => s,
            Tok::In => "in",
            Tok::NotIn => "notin",
            Tok::Comma => ",",
            Tok::Open => "(",
            Tok::Close => ")",
            Tok::Bang => "!",
            Tok::Eq => "=",
            Tok::DoubleEq => "==",
            Tok::NotEq => "!=",
            Tok::Gt => ">",
            Tok::Lt => "<",
        }
    }

    /// The token as a key or value: outside operator position `in` and `notin` are plain
    /// words, so `in in (in)` is a valid requirement.
    fn word(&self) -> Option<&str> {
        match self {
            Tok::Ident(s) => Some(s),
            Tok::In => Some("in"),
            Tok::NotIn => Some("notin"),
            _ => None,
        }
    }

    fn starts_requirement(&self) -> bool {
        self.word().is_some() || *self == Tok::Bang
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_symbol(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// An operator starting at `b`; `next` decides between `=`/`==` and `!`/`!=`.
fn symbol(b: u8, next: Option<u8>) -> (Tok, usize) {
    match (b, next) {
        (b'=', Some(b'=')) => (Tok::DoubleEq, 2),
        (b'!', Some(b'=')) => (Tok::NotEq, 2),
        (b'=', _) => (Tok::Eq, 1),
        (b'!', _) => (Tok::Bang, 1),
        (b'(', _) => (Tok::Open, 1),
        (b')', _) => (Tok::Close, 1),
        (b',', _) => (Tok::Comma, 1),
        (b'>', _) => (Tok::Gt, 1),
        _ => (Tok::Lt, 1),
    }
}

/// Splits the selector into tokens, always ending with `End`. Words are maximal runs of
/// anything that is neither whitespace nor an operator character; validation comes later.
fn lex(input: &str) -> Vec<Tok> {
    // Upstream's lexer reads a NUL byte as end of input; match it.
    let input = input.split('\0').next().unwrap_or_default();
    let bytes = input.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            toks.push(Tok::End);
            return toks;
        };
        if is_symbol(b) {
            let (tok, len) = symbol(b, bytes.get(i + 1).copied());
            toks.push(tok);
            i += len;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_symbol(bytes[i]) && !is_space(bytes[i]) {
            i += 1;
        }
        // Both ends sit next to ASCII bytes or the string's ends: valid char boundaries.
        toks.push(match &input[start..i] {
            "in" => Tok::In,
            "notin" => Tok::NotIn,
            word => Tok::Ident(word.to_string()),
        });
    }
}

// ---------------------------------------------------------------------------------------
// Label selector: parser and evaluation
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Exists,
    DoesNotExist,
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    GreaterThan,
    LessThan,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Op,
    /// Sorted and de-duplicated, as upstream keeps them (it prints them in this order).
    values: Vec<String>,
}

impl Requirement {
    fn matches(&self, value: Option<&str>) -> bool {
        let listed = |v: &str| self.values.iter().any(|x| x == v);
        match self.op {
            Op::Exists => value.is_some(),
            Op::DoesNotExist => value.is_none(),
            Op::Equals | Op::DoubleEquals | Op::In => value.is_some_and(listed),
            // Objects without the key satisfy the negative operators.
            Op::NotEquals | Op::NotIn => value.is_none_or(|v| !listed(v)),
            Op::GreaterThan | Op::LessThan => self.compare(value),
        }
    }

    /// Integer comparison; a missing or non-integer label never matches.
    fn compare(&self, value: Option<&str>) -> bool {
        let actual = value.and_then(|v| v.parse::<i64>().ok());
        let bound = self.values.first().and_then(|v| v.parse::<i64>().ok());
        match (actual, bound, self.op) {
            (Some(a), Some(b), Op::GreaterThan) => a > b,
            (Some(a), Some(b), Op::LessThan) => a < b,
            _ => false,
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = self.values.join(",");
        let key = &self.key;
        match self.op {
            Op::Exists => write!(f, "{key}"),
            Op::DoesNotExist => write!(f, "!{key}"),
            Op::Equals => write!(f, "{key}={values}"),
            Op::DoubleEquals => write!(f, "{key}=={values}"),
            Op::NotEquals => write!(f, "{key}!={values}"),
            Op::In => write!(f, "{key} in ({values})"),
            Op::NotIn => write!(f, "{key} notin ({values})"),
            Op::GreaterThan => write!(f, "{key}>{values}"),
            Op::LessThan => write!(f, "{key}<{values}"),
        }
    }
}

/// Recursive-descent parser over the token list. Errors are plain strings here; the
/// caller decides which ones get the `unable to parse requirement:` prefix, as upstream does.
struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&END)
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        self.pos += 1;
        tok
    }

    fn selector(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let tok = self.peek();
            if *tok == Tok::End {
                return Ok(reqs);
            }
            if !tok.starts_requirement() {
                return Err(format!("found '{}', expected: !, identifier, or 'end of string'", tok.text()));
            }
            let req = self.requirement().map_err(|e| format!("unable to parse requirement: {e}"))?;
            reqs.push(req);
            match self.next() {
                Tok::End => return Ok(reqs),
                Tok::Comma if self.peek().starts_requirement() => {}
                Tok::Comma => {
                    return Err(format!("found '{}', expected: identifier after ','", self.peek().text()));
                }
                other => return Err(format!("found '{}', expected: ',' or 'end of string'", other.text())),
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let mut tok = self.next();
        let negated = tok == Tok::Bang;
        if negated {
            tok = self.next();
        }
        let Some(key) = tok.word() else {
            return Err(format!("found '{}', expected: identifier", tok.text()));
        };
        let key = key.to_string();
        let key_errs = label_key_errors(&key);
        if !key_errs.is_empty() {
            return Err(format!("<nil>: Invalid value: {}: {}", go_quote(&key), key_errs.join("; ")));
        }
        // `!key` never takes an operator: anything after it is left for the caller to reject.
        if negated {
            return Ok(Requirement { key, op: Op::DoesNotExist, values: Vec::new() });
        }
        if matches!(self.peek(), Tok::End | Tok::Comma) {
            return Ok(Requirement { key, op: Op::Exists, values: Vec::new() });
        }
        let op = self.operator()?;
        let values = match op {
            Op::In | Op::NotIn => self.value_set()?,
            _ => vec![self.single_value()?],
        };
        check_values(&key, op, &values)?;
        Ok(Requirement { key, op, values })
    }

    fn operator(&mut self) -> Result<Op, String> {
        match self.next() {
            Tok::In => Ok(Op::In),
            Tok::NotIn => Ok(Op::NotIn),
            Tok::Eq => Ok(Op::Equals),
            Tok::DoubleEq => Ok(Op::DoubleEquals),
            Tok::NotEq => Ok(Op::NotEquals),
            Tok::Gt => Ok(Op::GreaterThan),
            Tok::Lt => Ok(Op::LessThan),
            other => Err(format!("found '{}', expected: in, notin, =, ==, !=, gt, lt", other.text())),
        }
    }

    /// The value after `=`, `==`, `!=`, `>` or `<`; absent means the empty string.
    fn single_value(&mut self) -> Result<String, String> {
        if matches!(self.peek(), Tok::End | Tok::Comma) {
            return Ok(String::new());
        }
        let tok = self.next();
        tok.word().map(str::to_string).ok_or_else(|| format!("found '{}', expected: identifier", tok.text()))
    }

    /// `( v1, v2, ... )`; items may be empty (`()` and `(a,)` both contain `""`).
    fn value_set(&mut self) -> Result<Vec<String>, String> {
        let open = self.next();
        if open != Tok::Open {
            return Err(format!("found '{}' expected: '('", open.text()));
        }
        match self.peek() {
            Tok::Close => {
                self.next();
                return Ok(vec![String::new()]);
            }
            t if t.word().is_some() || *t == Tok::Comma => {}
            t => return Err(format!("found '{}', expected: ',', ')' or identifier", t.text())),
        }
        let values = self.value_list()?;
        self.next(); // the ')' that value_list stopped at
        Ok(values.into_iter().collect())
    }

    /// The items up to (not including) the closing parenthesis.
    fn value_list(&mut self) -> Result<BTreeSet<String>, String> {
        let mut set = BTreeSet::new();
        loop {
            let tok = self.next();
            if let Some(word) = tok.word() {
                set.insert(word.to_string());
                match self.peek() {
                    Tok::Comma => continue,
                    Tok::Close => return Ok(set),
                    t => return Err(format!("found '{}', expected: ',' or ')'", t.text())),
                }
            }
            if tok != Tok::Comma {
                return Err(format!("found '{}', expected: ',', or identifier", tok.text()));
            }
            // A comma with nothing before or after it stands for an empty value.
            if set.is_empty() || matches!(self.peek(), Tok::Comma | Tok::Close) {
                set.insert(String::new());
            }
            if *self.peek() == Tok::Close {
                return Ok(set);
            }
        }
    }
}

/// The value checks upstream applies when it builds a requirement: integers for `>`/`<`
/// and the label value rules for every value, all reported together.
fn check_values(key: &str, op: Op, values: &[String]) -> Result<(), String> {
    let mut errs = Vec::new();
    if matches!(op, Op::GreaterThan | Op::LessThan) {
        for (i, v) in values.iter().enumerate() {
            if v.parse::<i64>().is_err() {
                errs.push(format!(
                    "values[{i}]: Invalid value: {}: for 'Gt', 'Lt' operators, the value must be an integer",
                    go_quote(v)
                ));
            }
        }
    }
    for (i, v) in values.iter().enumerate() {
        let value_errs = label_value_errors(v);
        if !value_errs.is_empty() {
            errs.push(format!("values[{i}][{key}]: Invalid value: {}: {}", go_quote(v), value_errs.join("; ")));
        }
    }
    aggregate(errs).map_or(Ok(()), Err)
}

/// A parsed `labelSelector`: every requirement must hold (logical AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    /// Sorted by key, which fixes the canonical string form.
    reqs: Vec<Requirement>,
}

impl LabelSelector {
    /// Parses the selector syntax (`a=b,c!=d,e in (f,g),!h,i>3`). The empty string (or only
    /// whitespace) selects everything.
    pub fn parse(selector: &str) -> Result<Self, SelectorError> {
        let mut parser = Parser { toks: lex(selector), pos: 0 };
        let mut reqs = parser.selector().map_err(SelectorError::new)?;
        reqs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Self { reqs })
    }

    /// True when the selector places no restriction.
    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty()
    }

    /// Evaluates against `metadata.labels` as stored; a label whose value is not a string
    /// counts as absent.
    pub fn matches(&self, labels: &Map<String, Value>) -> bool {
        self.matches_with(|k| labels.get(k).and_then(Value::as_str))
    }

    /// Evaluates against a plain label map.
    pub fn matches_map(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_with(|k| labels.get(k).map(String::as_str))
    }

    /// Evaluates with a caller-supplied label lookup (`None` = label absent).
    pub fn matches_with<'a>(&self, label: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.reqs.iter().all(|r| r.matches(label(&r.key)))
    }

    /// The value `key` must equal for anything to match (`key=v`, `key==v`, `key in (v)`),
    /// judged by the first requirement on `key`; lets callers narrow a scan.
    pub fn requires_exact(&self, key: &str) -> Option<&str> {
        let req = self.reqs.iter().find(|r| r.key == key)?;
        match (req.op, req.values.as_slice()) {
            (Op::Equals | Op::DoubleEquals | Op::In, [only]) => Some(only),
            _ => None,
        }
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, req) in self.reqs.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{req}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Field selector
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldTerm {
    field: String,
    value: String,
    negated: bool,
}

/// A parsed `fieldSelector`: `field=value`, `field==value` and `field!=value` terms, all of
/// which must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    /// In the order of their raw text, sorted, as upstream evaluates and validates them (so
    /// the first unsupported field reported is the same one).
    terms: Vec<FieldTerm>,
}

/// Splits on commas not preceded by a backslash escape.
fn split_terms(selector: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in selector.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// Splits a term at its first operator; at each position `!=` and `==` win over `=`.
fn split_term(term: &str) -> Option<(&str, bool, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (op, negated) in [("!=", true), ("==", false), ("=", false)] {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], negated, value));
            }
        }
    }
    None
}

/// Resolves `\\`, `\,` and `\=`; any other escape, or a bare `,` or `=`, is an error.
fn unescape_value(raw: &str) -> Result<String, SelectorError> {
    let mut out = String::with_capacity(raw.len());
    let mut escaped = false;
    for c in raw.chars() {
        match (escaped, c) {
            (true, '\\' | ',' | '=') => {
                out.push(c);
                escaped = false;
            }
            (true, _) => {
                return Err(SelectorError::new(format!("invalid field selector: invalid escape sequence: \\{c}")));
            }
            (false, '\\') => escaped = true,
            // Upstream prints the offending character as its code point number.
            (false, ',' | '=') => {
                return Err(SelectorError::new(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                )));
            }
            (false, _) => out.push(c),
        }
    }
    if escaped {
        return Err(SelectorError::new("invalid field selector: invalid escape sequence: \\"));
    }
    Ok(out)
}

fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl FieldSelector {
    /// Parses `a=b,c!=d`; values may escape `\,`, `\=` and `\\`. Empty terms are skipped,
    /// so the empty string selects everything. Field names are not checked here; see
    /// [`FieldSelector::validate`].
    pub fn parse(selector: &str) -> Result<Self, SelectorError> {
        let mut parts = if selector.is_empty() { Vec::new() } else { split_terms(selector) };
        parts.sort_unstable();
        let mut terms = Vec::with_capacity(parts.len());
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            let Some((field, negated, raw)) = split_term(part) else {
                return Err(SelectorError::new(format!("invalid selector: '{selector}'; can't understand '{part}'")));
            };
            let value = unescape_value(raw)?;
            terms.push(FieldTerm { field: field.to_string(), value, negated });
        }
        Ok(Self { terms })
    }

    /// True when the selector places no restriction.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The field names the selector mentions, in evaluation order (may repeat).
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|t| t.field.as_str())
    }

    fn first_unknown<'a>(&'a self, allowed: &[&str]) -> Option<&'a str> {
        self.fields().find(|f| !allowed.contains(f))
    }

    /// Rejects fields outside `allowed` with the text upstream uses for kinds that only
    /// support the metadata fields: `"x" is not a known field selector: only
    /// "metadata.name", "metadata.namespace"` (the list is `allowed`, quoted).
    pub fn validate(&self, allowed: &[&str]) -> Result<(), SelectorError> {
        let Some(field) = self.first_unknown(allowed) else { return Ok(()) };
        let only: Vec<String> = allowed.iter().map(|a| go_quote(a)).collect();
        Err(SelectorError::new(format!("{} is not a known field selector: only {}", go_quote(field), only.join(", "))))
    }

    /// Rejects fields outside `allowed` with `field label not supported: x`, the text
    /// upstream uses for kinds that declare extra selectable fields (pods, events, secrets,
    /// ...) and for all custom resources.
    pub fn validate_supported(&self, allowed: &[&str]) -> Result<(), SelectorError> {
        match self.first_unknown(allowed) {
            Some(field) => Err(SelectorError::new(format!("field label not supported: {field}"))),
            None => Ok(()),
        }
    }

    /// Evaluates with a per-field lookup; a missing field compares as the empty string.
    pub fn matches(&self, lookup: impl Fn(&str) -> Option<String>) -> bool {
        self.terms.iter().all(|t| {
            let actual = lookup(&t.field).unwrap_or_default();
            (actual == t.value) != t.negated
        })
    }

    /// The value `field` must equal (`field=value` or `field==value`), e.g. to turn a
    /// `metadata.name=x` watch into a single-key watch.
    pub fn exact_value(&self, field: &str) -> Option<&str> {
        self.terms.iter().find(|t| !t.negated && t.field == field).map(|t| t.value.as_str())
    }
}

impl fmt::Display for FieldSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.terms.iter().enumerate() {
            let sep = if i > 0 { "," } else { "" };
            let op = if t.negated { "!=" } else { "=" };
            write!(f, "{sep}{}{op}{}", t.field, escape_value(&t.value))?;
        }
        Ok(())
    }
}

/// Reads a dot-separated path (`spec.nodeName`, `status.replicas`) and renders a scalar the
/// way upstream's per-kind field sets do: strings as-is, numbers in decimal, booleans as
/// `true`/`false`. `None` when the path is missing, null, or not a scalar.
pub fn json_path_string(obj: &Value, dotted_path: &str) -> Option<String> {
    let mut cur = obj;
    for segment in dotted_path.split('.') {
        cur = cur.as_object()?.get(segment)?;
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NAME_RULE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must \
        start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', \
        regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    const VALUE_RULE: &str = "a valid label must be an empty string or consist of alphanumeric \
        characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. \
        'MyValue',  or 'my_value',  or '12345', regex used for validation is \
        '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    const PREFIX_RULE: &str = "a lowercase RFC 1123 subdomain must consist of lower case \
        alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character \
        (e.g. 'example.com', regex used for validation is \
        '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    fn labels(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn label_parse_canonical_form() {
        let cases = [
            ("", ""),
            ("  \t ", ""),
            ("a=b", "a=b"),
            ("a==b", "a==b"),
            ("a!=b", "a!=b"),
            ("a in (c,b)", "a in (b,c)"),
            ("a notin (b)", "a notin (b)"),
            ("a", "a"),
            ("!a", "!a"),
            ("a>5", "a>5"),
            ("a<5", "a<5"),
            (" a = b , c in ( y , x ) ", "a=b,c in (x,y)"),
            ("a\tin\t(b)\n", "a in (b)"),
            ("z=1,a=2", "a=2,z=1"),
            ("a=", "a="),
            ("a==,b", "a==,b"),
            ("a in ()", "a in ()"),
            ("a in (,b)", "a in (,b)"),
            ("a in (b,)", "a in (,b)"),
            ("a in (b,,c)", "a in (,b,c)"),
            ("a in (b,,)", "a in (,b)"),
            ("a in (b,b)", "a in (b)"),
            ("in in (in,notin)", "in in (in,notin)"),
            ("notin", "notin"),
            ("example.com/a=b", "example.com/a=b"),
            ("!a,b", "!a,b"),
            ("a!=b\0garbage", "a!=b"),
        ];
        for (input, want) in cases {
            let sel = LabelSelector::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(sel.to_string(), want, "{input:?}");
            assert_eq!(sel.is_empty(), want.is_empty(), "{input:?}");
        }
    }

    #[test]
    fn label_matching() {
        let cases = [
            ("", json!({}), true),
            ("a=b", json!({"a": "b"}), true),
            ("a=b", json!({"a": "c"}), false),
            ("a=b", json!({}), false),
            ("a==b", json!({"a": "b"}), true),
            ("a!=b", json!({}), true),
            ("a!=b", json!({"a": "b"}), false),
            ("a!=b", json!({"a": "c"}), true),
            ("a in (b,c)", json!({"a": "c"}), true),
            ("a in (b,c)", json!({"a": "d"}), false),
            ("a in (b,c)", json!({}), false),
            ("a notin (b,c)", json!({}), true),
            ("a notin (b,c)", json!({"a": "b"}), false),
            ("a notin (b,c)", json!({"a": "d"}), true),
            ("a", json!({"a": ""}), true),
            ("a", json!({}), false),
            ("!a", json!({}), true),
            ("!a", json!({"a": "x"}), false),
            ("a>5", json!({"a": "6"}), true),
            ("a>5", json!({"a": "5"}), false),
            ("a>5", json!({"a": "x"}), false),
            ("a>5", json!({}), false),
            ("a<5", json!({"a": "4"}), true),
            ("a<5", json!({"a": "-3"}), true),
            ("a<5", json!({"a": "5"}), false),
            ("a<5", json!({}), false),
            ("a in ()", json!({"a": ""}), true),
            ("a in ()", json!({"a": "x"}), false),
            ("a=", json!({"a": ""}), true),
            ("a=", json!({}), false),
            ("a=b,c", json!({"a": "b", "c": "d"}), true),
            ("a=b,c", json!({"a": "b"}), false),
            ("a=b,a!=b", json!({"a": "b"}), false),
            // Labels that are not strings are treated as absent.
            ("a", json!({"a": 1}), false),
            ("!a", json!({"a": true}), true),
            ("a!=1", json!({"a": 1}), true),
        ];
        for (input, lbls, want) in cases {
            let sel = LabelSelector::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(sel.matches(&labels(lbls.clone())), want, "{input:?} on {lbls}");
        }
    }

    #[test]
    fn label_matches_map() {
        let sel = LabelSelector::parse("app=web,tier notin (db)").expect("parses");
        let mut map = BTreeMap::new();
        map.insert("app".to_string(), "web".to_string());
        assert!(sel.matches_map(&map));
        map.insert("tier".to_string(), "db".to_string());
        assert!(!sel.matches_map(&map));
    }

    #[test]
    fn label_parse_errors() {
        let req = "unable to parse requirement: ";
        let cases: Vec<(&str, String)> = vec![
            ("a b", format!("{req}found 'b', expected: in, notin, =, ==, !=, gt, lt")),
            ("a (b)", format!("{req}found '(', expected: in, notin, =, ==, !=, gt, lt")),
            ("a=b,", "found '', expected: identifier after ','".into()),
            ("a=b,,c", "found ',', expected: identifier after ','".into()),
            (",a", "found ',', expected: !, identifier, or 'end of string'".into()),
            ("=a", "found '=', expected: !, identifier, or 'end of string'".into()),
            ("a in (b", format!("{req}found '', expected: ',' or ')'")),
            ("a in (b c)", format!("{req}found 'c', expected: ',' or ')'")),
            ("a in b", format!("{req}found 'b' expected: '('")),
            ("a in", format!("{req}found '' expected: '('")),
            ("a in (", format!("{req}found '', expected: ',', ')' or identifier")),
            ("a in (=)", format!("{req}found '=', expected: ',', ')' or identifier")),
            ("a in (b,", format!("{req}found '', expected: ',', or identifier")),
            ("a in (b,=)", format!("{req}found '=', expected: ',', or identifier")),
            ("a in (b))", "found ')', expected: ',' or 'end of string'".into()),
            ("a=b=c", "found '=', expected: ',' or 'end of string'".into()),
            ("a=b c", "found 'c', expected: ',' or 'end of string'".into()),
            ("!a=b", "found '=', expected: ',' or 'end of string'".into()),
            ("a=(", format!("{req}found '(', expected: identifier")),
            ("!", format!("{req}found '', expected: identifier")),
            ("!!a", format!("{req}found '!', expected: identifier")),
            (
                "a>x",
                format!("{req}values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"),
            ),
            (
                "a<",
                format!("{req}values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"),
            ),
            ("a>-1", format!("{req}values[0][a]: Invalid value: \"-1\": {VALUE_RULE}")),
            (
                "a>x_",
                format!(
                    "{req}[values[0]: Invalid value: \"x_\": for 'Gt', 'Lt' operators, the value must be \
                     an integer, values[0][a]: Invalid value: \"x_\": {VALUE_RULE}]"
                ),
            ),
            ("a=b@", format!("{req}values[0][a]: Invalid value: \"b@\": {VALUE_RULE}")),
            (
                "a in (y@,x@)",
                format!(
                    "{req}[values[0][a]: Invalid value: \"x@\": {VALUE_RULE}, \
                     values[1][a]: Invalid value: \"y@\": {VALUE_RULE}]"
                ),
            ),
            ("a@b=c", format!("{req}<nil>: Invalid value: \"a@b\": name part {NAME_RULE}")),
            ("-a", format!("{req}<nil>: Invalid value: \"-a\": name part {NAME_RULE}")),
            ("\"q\"", format!("{req}<nil>: Invalid value: \"\\\"q\\\"\": name part {NAME_RULE}")),
            ("A.com/b", format!("{req}<nil>: Invalid value: \"A.com/b\": prefix part {PREFIX_RULE}")),
            ("/b", format!("{req}<nil>: Invalid value: \"/b\": prefix part must be non-empty")),
            ("a/", format!("{req}<nil>: Invalid value: \"a/\": name part must be non-empty; name part {NAME_RULE}")),
            (
                "a/b/c",
                format!(
                    "{req}<nil>: Invalid value: \"a/b/c\": a valid label key {NAME_RULE} with an optional \
                     DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
                ),
            ),
        ];
        for (input, want) in cases {
            match LabelSelector::parse(input) {
                Ok(sel) => panic!("{input:?} parsed as {sel}"),
                Err(e) => assert_eq!(e.message(), want, "{input:?}"),
            }
        }
    }

    #[test]
    fn label_length_limits() {
        let n63 = "a".repeat(63);
        let n64 = "a".repeat(64);
        assert!(LabelSelector::parse(&format!("{n63}={n63}")).is_ok());
        let err = LabelSelector::parse(&format!("{n64}=x")).expect_err("long key");
        assert_eq!(
            err.message(),
            format!(
                "unable to parse requirement: <nil>: Invalid value: \"{n64}\": name part must be no more than 63 bytes"
            )
        );
        let err = LabelSelector::parse(&format!("k={n64}")).expect_err("long value");
        assert_eq!(
            err.message(),
            format!(
                "unable to parse requirement: values[0][k]: Invalid value: \"{n64}\": must be no more than 63 bytes"
            )
        );
        let prefix = format!("{}.{}.{}.{}", "b".repeat(63), "b".repeat(63), "b".repeat(63), "b".repeat(61));
        assert_eq!(prefix.len(), 253);
        assert!(label_key_errors(&format!("{prefix}/x")).is_empty());
        assert_eq!(label_key_errors(&format!("{prefix}b/x"))[0], "prefix part must be no more than 253 bytes");
    }

    #[test]
    fn label_key_and_value_rules() {
        for ok in ["a", "A", "1", "a.b-c_d", "example.com/Name", "a-b.c/x"] {
            assert!(label_key_errors(ok).is_empty(), "{ok}");
        }
        for bad in ["", "a_", ".a", "a b", "ex_ample.com/a", "-a.com/b", "a..b/c", "é"] {
            assert!(!label_key_errors(bad).is_empty(), "{bad}");
        }
        for ok in ["", "a", "A-b_c.d", "123"] {
            assert!(label_value_errors(ok).is_empty(), "{ok}");
        }
        for bad in ["-a", "a-", "a b", "a/b", "é"] {
            assert!(!label_value_errors(bad).is_empty(), "{bad}");
        }
    }

    #[test]
    fn label_requires_exact() {
        let cases = [
            ("a=b", "a", Some("b")),
            ("a==b", "a", Some("b")),
            ("a in (b)", "a", Some("b")),
            ("a in (b,c)", "a", None),
            ("a!=b", "a", None),
            ("a", "a", None),
            ("a=b", "c", None),
            ("c=d,a=b", "a", Some("b")),
        ];
        for (input, key, want) in cases {
            let sel = LabelSelector::parse(input).expect("parses");
            assert_eq!(sel.requires_exact(key), want, "{input:?}");
        }
    }

    #[test]
    fn field_parse_canonical_form() {
        let cases = [
            ("", ""),
            (",,", ""),
            ("a=b", "a=b"),
            ("a==b", "a=b"),
            ("a!=b", "a!=b"),
            ("b=1,a=2", "a=2,b=1"),
            (",a=b,", "a=b"),
            ("a=", "a="),
            ("a=x\\,y", "a=x\\,y"),
            ("a=x\\=y", "a=x\\=y"),
            ("a=x\\\\y", "a=x\\\\y"),
            ("a=b!c", "a=b!c"),
            ("a=!b", "a=!b"),
            ("=x", "=x"),
            ("a b=c d", "a b=c d"),
        ];
        for (input, want) in cases {
            let sel = FieldSelector::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(sel.to_string(), want, "{input:?}");
            assert_eq!(sel.is_empty(), want.is_empty(), "{input:?}");
        }
    }

    #[test]
    fn field_escapes_unescape() {
        let cases =
            [("a=x\\,y", "x,y"), ("a=x\\=y", "x=y"), ("a=x\\\\y", "x\\y"), ("a=\\,\\,", ",,"), ("a=plain", "plain")];
        for (input, want) in cases {
            let sel = FieldSelector::parse(input).expect("parses");
            assert_eq!(sel.exact_value("a"), Some(want), "{input:?}");
        }
    }

    #[test]
    fn field_parse_errors() {
        let cases = [
            ("foo", "invalid selector: 'foo'; can't understand 'foo'"),
            ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
            ("a!b", "invalid selector: 'a!b'; can't understand 'a!b'"),
            ("a=b=c", "invalid field selector: unescaped character in value: 61"),
            ("a!=b!=c", "invalid field selector: unescaped character in value: 61"),
            ("a=x\\!", "invalid field selector: invalid escape sequence: \\!"),
            ("a=x\\n", "invalid field selector: invalid escape sequence: \\n"),
            ("a=x\\", "invalid field selector: invalid escape sequence: \\"),
        ];
        for (input, want) in cases {
            match FieldSelector::parse(input) {
                Ok(sel) => panic!("{input:?} parsed as {sel}"),
                Err(e) => assert_eq!(e.message(), want, "{input:?}"),
            }
        }
    }

    #[test]
    fn field_matching() {
        let obj = json!({"metadata": {"name": "foo", "namespace": "ns"}, "spec": {"nodeName": "n1"}});
        let lookup = |f: &str| json_path_string(&obj, f);
        let cases = [
            ("", true),
            ("metadata.name=foo", true),
            ("metadata.name==foo", true),
            ("metadata.name=bar", false),
            ("metadata.name!=bar", true),
            ("metadata.name!=foo", false),
            ("metadata.name=foo,metadata.namespace=ns", true),
            ("metadata.name=foo,metadata.namespace=other", false),
            ("spec.nodeName=n1", true),
            // A missing field reads as the empty string.
            ("status.phase=", true),
            ("status.phase!=", false),
            ("status.phase!=Running", true),
            ("status.phase=Running", false),
        ];
        for (input, want) in cases {
            let sel = FieldSelector::parse(input).expect("parses");
            assert_eq!(sel.matches(lookup), want, "{input:?}");
        }
    }

    #[test]
    fn field_validation_messages() {
        let meta = ["metadata.name", "metadata.namespace"];
        let sel = FieldSelector::parse("foo.bar=x").expect("parses");
        assert_eq!(
            sel.validate(&meta).expect_err("unknown").message(),
            r#""foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace""#
        );
        assert_eq!(sel.validate_supported(&meta).expect_err("unknown").message(), "field label not supported: foo.bar");
        let ok = FieldSelector::parse("metadata.name=a,metadata.namespace!=b").expect("parses");
        assert!(ok.validate(&meta).is_ok());
        assert!(ok.validate_supported(&meta).is_ok());
        assert!(FieldSelector::parse("").expect("parses").validate(&[]).is_ok());
        // Terms are checked in sorted order, so the first unknown one is stable.
        let two = FieldSelector::parse("z.z=1,b.b!=2").expect("parses");
        assert_eq!(two.validate_supported(&meta).expect_err("unknown").message(), "field label not supported: b.b");
        assert_eq!(two.fields().collect::<Vec<_>>(), ["b.b", "z.z"]);
    }

    #[test]
    fn field_exact_value() {
        let cases = [
            ("metadata.name=x", "metadata.name", Some("x")),
            ("metadata.name==x", "metadata.name", Some("x")),
            ("metadata.name!=x", "metadata.name", None),
            ("metadata.namespace=ns,metadata.name=x", "metadata.name", Some("x")),
            ("metadata.namespace=ns", "metadata.name", None),
            ("metadata.name=a\\,b", "metadata.name", Some("a,b")),
            ("metadata.name=", "metadata.name", Some("")),
            ("", "metadata.name", None),
        ];
        for (input, field, want) in cases {
            let sel = FieldSelector::parse(input).expect("parses");
            assert_eq!(sel.exact_value(field), want, "{input:?}");
        }
    }

    #[test]
    fn json_path_rendering() {
        let obj = json!({
            "spec": {"nodeName": "n1", "hostNetwork": true, "unschedulable": false, "nested": {}},
            "status": {"replicas": 3, "ratio": 1.5, "phase": null},
        });
        let cases = [
            ("spec.nodeName", Some("n1")),
            ("spec.hostNetwork", Some("true")),
            ("spec.unschedulable", Some("false")),
            ("status.replicas", Some("3")),
            ("status.ratio", Some("1.5")),
            ("status.phase", None),
            ("spec.nested", None),
            ("spec.missing", None),
            ("spec.nodeName.deeper", None),
            ("", None),
        ];
        for (path, want) in cases {
            assert_eq!(json_path_string(&obj, path).as_deref(), want, "{path:?}");
        }
    }

    #[test]
    fn go_quoting() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
    }
}
