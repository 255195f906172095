//! CEL validation rules of CRD schemas (`x-kubernetes-validations`), with the `cel` crate.
//!
//! Rules are compiled once, when a CRD becomes kinds ([`Rules::compile`]), and kept in its
//! custom kind, so objects never recompile them. A CRD whose rule does not compile, is longer
//! than 4 KiB, is empty, has a message with line breaks or an unknown `reason` is
//! refused ([`compile_problems`], 422 naming the rule). Each rule runs with `self` bound to the
//! value at its schema node (at the root, the object with only `name` and `generateName` of its
//! metadata, as upstream binds it) and, for transition rules, `oldSelf` to the previous value at
//! the same place: on updates only, where the old value can be found (object fields, map
//! values, and `map` list items by key), as upstream; `optionalOldSelf` is not supported.
//!
//! A rule that is false is a cause at the node (plus the rule's `fieldPath`, with its `reason`)
//! with the rule's `message`, its `messageExpression`, or `failed rule: <rule>`; a rule that
//! fails to evaluate is a cause at the node, `<error> evaluating rule: <rule>`, as upstream's.
//! The crate has no type checker, so a rule that yields something other than a boolean is only
//! found when it runs (upstream refuses such a CRD).
//!
//! Like upstream's ratcheting, rules of a node whose value an update leaves unchanged are not
//! run. Upstream also bounds a rule's estimated cost; here a rule's size is bounded, and its
//! run time by the object's (1.5 MiB at most). Compiling and running happen on a thread with a
//! large stack, so that no rule, however nested, can overflow a server thread.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use cel::objects::{Key, Map as CelMap};
use cel::{Context, Env, Program, Value as Cel};
use serde_json::Value;

use super::error::Cause;
use super::structural::{self, json_type};

/// The longest rule or message expression accepted.
const MAX_RULE_BYTES: usize = 4096;
/// The most of an evaluation error's text a cause carries.
const MAX_ERROR_BYTES: usize = 1024;
/// The stack CEL runs on. Its parser and evaluator recurse deeply per nesting level (about
/// 80 KiB a level in a debug build, so some 25 parentheses overflow a 2 MiB server thread);
/// the parser itself refuses expressions nested more than about a hundred deep, which this
/// stack holds with room to spare. Reserved, not committed: only what is used costs memory.
const CEL_STACK_BYTES: usize = 64 << 20;

/// The environment rules compile and run in: the standard library with the string, list and
/// math extensions (the closest to what Kubernetes adds to CEL).
static ENV: LazyLock<Arc<Env>> = LazyLock::new(|| {
    let mut env = Env::stdlib();
    for extension in [cel::extensions::strings, cel::extensions::lists, cel::extensions::math] {
        // The extensions declare distinct functions; a clash would be a bug in the crate.
        let _ = env.add_extension(extension);
    }
    Arc::new(env)
});

/// The compiled rules (and message expressions) of one schema, by source text.
#[derive(Default)]
pub struct Rules {
    programs: HashMap<String, Arc<Program>>,
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rules").field("count", &self.programs.len()).finish()
    }
}

impl Rules {
    /// Compiles every rule and message expression in `schema`; those that do not compile are
    /// left out (the CRD that holds them is refused on write, see [`compile_problems`]).
    pub fn compile(schema: &Value) -> Rules {
        let programs = on_cel_stack(|| {
            let mut programs = HashMap::new();
            visit_rules(schema, "", &mut |_, source| {
                if let Ok(program) = compile(source) {
                    programs.insert(source.to_string(), Arc::new(program));
                }
            });
            programs
        });
        Rules { programs: programs.unwrap_or_default() }
    }

    pub fn is_empty(&self) -> bool {
        self.programs.is_empty()
    }
}

fn compile(source: &str) -> Result<Program, String> {
    if source.len() > MAX_RULE_BYTES {
        return Err(format!("longer than the {MAX_RULE_BYTES} bytes allowed"));
    }
    ENV.compile(source).map_err(|err| format!("compilation failed: {err}"))
}

/// The rules and message expressions of `schema` that do not compile, and rules upstream
/// refuses otherwise (no rule, a message with line breaks, an unknown reason), as causes
/// naming them under `prefix` (`spec.versions[0].schema.openAPIV3Schema`).
pub fn compile_problems(schema: &Value, prefix: &str) -> Vec<Cause> {
    let checked = on_cel_stack(|| {
        let mut causes = Vec::new();
        visit_rules(schema, prefix, &mut |field, source| {
            if let Err(problem) = compile(source) {
                causes.push(Cause::invalid(field, source, &problem));
            }
        });
        causes
    });
    let mut causes = checked.unwrap_or_else(|| vec![Cause::invalid(prefix, "", "its CEL rules could not be compiled")]);
    visit_rule_objects(schema, prefix, &mut |path, rule| {
        if rule.get("rule").and_then(Value::as_str).is_none_or(|r| r.trim().is_empty()) {
            causes.push(Cause::required(&format!("{path}.rule"), "rule is not specified"));
        }
        if let Some(message) = rule.get("message").and_then(Value::as_str).filter(|m| m.contains(['\n', '\r'])) {
            causes.push(Cause::invalid(&format!("{path}.message"), message, "message must not contain line breaks"));
        }
        if let Some(reason) = rule.get("reason").and_then(Value::as_str).filter(|r| !REASONS.contains(r)) {
            let allowed = REASONS.map(String::from);
            causes.push(Cause::not_supported(&format!("{path}.reason"), &Value::from(reason), &allowed));
        }
    });
    causes
}

/// The reasons a rule may give its failures.
const REASONS: [&str; 4] = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];

/// Runs `work` on a thread with [`CEL_STACK_BYTES`] of stack; `None` if that thread could not
/// be started or `work` panicked (the `cel` crate is not ours to trust with the server).
fn on_cel_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().name("cel".into()).stack_size(CEL_STACK_BYTES);
        thread.spawn_scoped(scope, work).ok()?.join().ok()
    })
}

/// Calls `found(field, source)` for every rule and message expression in `schema`.
fn visit_rules(schema: &Value, path: &str, found: &mut dyn FnMut(&str, &str)) {
    visit_rule_objects(schema, path, &mut |rule_path, rule| {
        for key in ["rule", "messageExpression"] {
            if let Some(source) = rule.get(key).and_then(Value::as_str) {
                found(&format!("{rule_path}.{key}"), source);
            }
        }
    });
}

/// Calls `found(path, rule)` for every entry of every `x-kubernetes-validations` in `schema`.
fn visit_rule_objects(schema: &Value, path: &str, found: &mut dyn FnMut(&str, &Value)) {
    let rules = schema.get("x-kubernetes-validations").and_then(Value::as_array);
    for (j, rule) in rules.into_iter().flatten().enumerate() {
        found(&format!("{path}.x-kubernetes-validations[{j}]"), rule);
    }
    for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        visit_rule_objects(property, &format!("{path}.properties[{name}]"), found);
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = schema.get(key).filter(|inner| inner.is_object()) {
            visit_rule_objects(inner, &format!("{path}.{key}"), found);
        }
    }
}

/// What the rules of `schema` say of `new` (an update of `old`, or a create).
pub fn validate(schema: &Value, rules: &Rules, old: Option<&Value>, new: &Value) -> Vec<Cause> {
    if rules.is_empty() {
        return Vec::new();
    }
    // At the root, `self` sees of metadata only the name and generateName, as upstream's does.
    let root = |object: &Value| {
        let mut object = object.clone();
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.retain(|field, _| matches!(field.as_str(), "name" | "generateName"));
        }
        object
    };
    let (old, new) = (old.map(root), root(new));
    let checked = on_cel_stack(|| {
        let mut causes = Vec::new();
        walk(schema, rules, old.as_ref(), &new, "", &mut causes);
        causes
    });
    checked.unwrap_or_else(|| vec![Cause::invalid("", "object", "the CEL validation rules could not be evaluated")])
}

fn walk(schema: &Value, rules: &Rules, old: Option<&Value>, new: &Value, path: &str, causes: &mut Vec<Cause>) {
    if old == Some(new) {
        return; // unchanged: nothing below can newly fail (ratcheting)
    }
    for rule in schema.get("x-kubernetes-validations").and_then(Value::as_array).into_iter().flatten() {
        if let Some(cause) = run_rule(rule, rules, old, new, path) {
            causes.push(cause);
        }
    }
    let join = |name: &str| if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
    match new {
        Value::Object(map) => {
            for (name, inner) in map {
                if let Some(property) = structural::property_schema(schema, name) {
                    walk(property, rules, old.and_then(|o| o.get(name)), inner, &join(name), causes);
                }
            }
        }
        Value::Array(items) => {
            let Some(item_schema) = schema.get("items") else { return };
            // Elements of a keyed list are matched with their old selves by key; others have none.
            let keys = match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
                Some("map") => structural::list_map_keys(schema),
                _ => Vec::new(),
            };
            for (i, item) in items.iter().enumerate() {
                let same_key = |o: &&Value| keys.iter().all(|k| o.get(k) == item.get(k));
                let old_item = if keys.is_empty() {
                    None
                } else {
                    old.and_then(Value::as_array).and_then(|o| o.iter().find(same_key))
                };
                walk(item_schema, rules, old_item, item, &format!("{path}[{i}]"), causes);
            }
        }
        _ => {}
    }
}

/// Runs one rule; `Some(cause)` when it fails.
fn run_rule(rule: &Value, rules: &Rules, old: Option<&Value>, new: &Value, path: &str) -> Option<Cause> {
    let source = rule.get("rule").and_then(Value::as_str)?;
    let program = rules.programs.get(source)?;
    let transition = program.references().has_variable("oldSelf");
    if transition && old.is_none() {
        return None; // transition rules only judge changes
    }
    let mut context = Context::with_env(ENV.clone());
    context.add_variable_from_value("self", to_cel(new));
    if let Some(old) = old {
        context.add_variable_from_value("oldSelf", to_cel(old));
    }
    let shown = json_type(new);
    let problem = match program.execute(&context) {
        Ok(Cel::Bool(true)) => return None,
        Ok(Cel::Bool(false)) => message(rule, rules, &context).unwrap_or_else(|| format!("failed rule: {source}")),
        // Upstream's type check refuses such rules when the CRD is written; this crate has none.
        Ok(other) => {
            let problem = format!("rule did not evaluate to a boolean ({:?}): {source}", other.type_of());
            return Some(Cause::invalid(path, shown, &problem));
        }
        // Errors are the node's, whatever the rule's fieldPath and reason, as upstream's are.
        Err(err) => {
            let mut err = err.to_string();
            if err.len() > MAX_ERROR_BYTES {
                // The crate prints the values involved, which may be most of the object.
                let end = (0..=MAX_ERROR_BYTES).rev().find(|i| err.is_char_boundary(*i)).unwrap_or(0);
                err.truncate(end);
                err.push('…');
            }
            return Some(Cause::invalid(path, shown, &format!("{err} evaluating rule: {source}")));
        }
    };
    let relative = rule.get("fieldPath").and_then(Value::as_str).unwrap_or_default();
    let field = format!("{path}{relative}").trim_start_matches('.').to_string();
    Some(match rule.get("reason").and_then(Value::as_str) {
        Some("FieldValueRequired") => Cause::required(&field, &problem),
        Some("FieldValueForbidden") => Cause::forbidden(&field, &problem),
        Some("FieldValueDuplicate") => Cause::duplicate(&field, &Value::from(shown)),
        _ => Cause::invalid(&field, shown, &problem),
    })
}

/// The rule's `messageExpression` (when it yields a string) or its `message`.
fn message(rule: &Value, rules: &Rules, context: &Context) -> Option<String> {
    let expression = rule.get("messageExpression").and_then(Value::as_str);
    // Upstream falls back to `message` for results that are empty or span lines.
    if let Some(program) = expression.and_then(|source| rules.programs.get(source))
        && let Ok(Cel::String(text)) = program.execute(context)
        && !text.trim().is_empty()
        && !text.contains(['\n', '\r'])
    {
        return Some(text.to_string());
    }
    rule.get("message").and_then(Value::as_str).filter(|m| !m.is_empty()).map(String::from)
}

/// A JSON value as CEL sees it: integers are `int` (not `uint`, whatever their sign), so
/// `self.replicas > 1` compares like types as it does upstream.
fn to_cel(value: &Value) -> Cel {
    match value {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Cel::Int(i),
            (None, Some(u)) => Cel::UInt(u),
            _ => Cel::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => Cel::String(Arc::new(s.clone())),
        Value::Array(items) => Cel::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Object(map) => {
            let entries = map.iter().map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v))).collect();
            Cel::Map(CelMap { map: Arc::new(entries) })
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Value {
        json!({"type": "object", "properties": {"spec": {
        "type": "object",
        "x-kubernetes-validations": [
            {"rule": "self.min <= self.max", "message": "min must not exceed max"},
            {"rule": "self.max - self.min < 100", "messageExpression": "'range ' + string(self.max - self.min) + ' too wide'"},
            {"rule": "self.mode == oldSelf.mode", "message": "mode is immutable", "fieldPath": ".mode", "reason": "FieldValueForbidden"},
        ],
        "properties": {
            "min": {"type": "integer"}, "max": {"type": "integer"}, "mode": {"type": "string"},
            "names": {"type": "array", "items": {"type": "string",
                "x-kubernetes-validations": [{"rule": "self.startsWith('n-')"}]}},
        }}}})
    }

    fn check(old: Option<Value>, new: Value) -> Vec<Cause> {
        let schema = schema();
        validate(&schema, &Rules::compile(&schema), old.as_ref(), &new)
    }

    #[test]
    fn rules_judge_the_value_at_their_node() {
        assert!(check(None, json!({"spec": {"min": 1, "max": 2, "mode": "a", "names": ["n-1"]}})).is_empty());
        let causes = check(None, json!({"spec": {"min": 3, "max": 2, "names": ["n-1", "x"]}}));
        let found: Vec<(&str, &str)> = causes.iter().map(|c| (c.field.as_str(), c.message.as_str())).collect();
        assert!(found.contains(&("spec", "Invalid value: \"object\": min must not exceed max")), "{found:?}");
        assert!(found.contains(&("spec.names[1]", "Invalid value: \"string\": failed rule: self.startsWith('n-')")));
        let wide = check(None, json!({"spec": {"min": 0, "max": 500}}));
        assert_eq!(wide[0].message, "Invalid value: \"object\": range 500 too wide");
    }

    #[test]
    fn transition_rules_run_on_updates_only_and_unchanged_values_ratchet() {
        let old = json!({"spec": {"min": 5, "max": 1, "mode": "a"}});
        assert_eq!(check(None, json!({"spec": {"min": 1, "max": 2, "mode": "b"}})).len(), 0);
        let changed = check(Some(old.clone()), json!({"spec": {"min": 5, "max": 1, "mode": "b"}}));
        let forbidden = changed.iter().find(|c| c.field == "spec.mode").expect("the transition rule");
        assert_eq!(forbidden.reason, "FieldValueForbidden");
        // The invalid min/max ratchets only while spec is unchanged.
        assert!(check(Some(old.clone()), old.clone()).is_empty());
    }

    #[test]
    fn rules_that_do_not_compile_are_named() {
        let schema = json!({"properties": {"spec": {"x-kubernetes-validations": [{"rule": "self.a ==="}]}}});
        let causes = compile_problems(&schema, "spec.versions[0].schema.openAPIV3Schema");
        assert_eq!(causes.len(), 1);
        assert_eq!(
            causes[0].field,
            "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule"
        );
        assert!(causes[0].message.contains("compilation failed"));
        let long = json!({"x-kubernetes-validations": [{"rule": "true || ".repeat(1000) + "true"}]});
        assert!(compile_problems(&long, "")[0].message.contains("bytes allowed"));
    }

    #[test]
    fn errors_reasons_and_the_roots_self_are_upstreams() {
        let schema = json!({"type": "object",
            "x-kubernetes-validations": [
                {"rule": "self.metadata.name.startsWith('w-')", "message": "names start with w-"},
                {"rule": "!has(self.metadata.labels)"},
            ],
            "properties": {"spec": {"type": "object",
                "x-kubernetes-validations": [
                    {"rule": "self.missing == 1"},
                    {"rule": "size(self.tags) < 2", "reason": "FieldValueDuplicate", "fieldPath": ".tags"},
                    {"rule": "self.n > 0", "messageExpression": "'two\nlines'", "message": "n must be positive"},
                ],
                "properties": {"tags": {"type": "array"}, "n": {"type": "integer"}}}}});
        let rules = Rules::compile(&schema);
        let object = json!({"metadata": {"name": "x", "labels": {"a": "b"}}, "spec": {"tags": [1, 2], "n": 0}});
        let found: Vec<String> =
            validate(&schema, &rules, None, &object).iter().map(|c| format!("{}: {}", c.field, c.message)).collect();
        assert_eq!(
            found,
            [
                // A root rule's cause names no field.
                ": Invalid value: \"object\": names start with w-",
                "spec: Invalid value: \"object\": No such key: missing evaluating rule: self.missing == 1",
                "spec.tags: Duplicate value: \"object\"",
                // A message expression of two lines falls back to the message.
                "spec: Invalid value: \"object\": n must be positive",
            ],
            "labels are not part of the root's self, so the second rule holds"
        );
    }

    #[test]
    fn evaluation_errors_are_bounded_however_large_the_values_they_print() {
        let schema = json!({"x-kubernetes-validations": [{"rule": "self.items + 1 == 2"}]});
        let items: Vec<String> = (0..2000).map(|i| format!("item-{i}")).collect();
        let causes = validate(&schema, &Rules::compile(&schema), None, &json!({"items": items}));
        assert_eq!(causes.len(), 1);
        assert!(causes[0].message.len() < 1500, "{} bytes", causes[0].message.len());
        assert!(causes[0].message.ends_with("… evaluating rule: self.items + 1 == 2"), "{}", causes[0].message);
    }

    #[test]
    fn rules_upstream_refuses_are_named() {
        let schema = json!({"properties": {"spec": {"x-kubernetes-validations": [
            {"rule": " "},
            {"rule": "true", "message": "one\ntwo"},
            {"rule": "true", "reason": "FieldValueWrong"},
        ]}}});
        let found: Vec<String> =
            compile_problems(&schema, "p").iter().map(|c| format!("{}: {}", c.field, c.message)).collect();
        let rules = "p.properties[spec].x-kubernetes-validations";
        assert!(found.contains(&format!("{rules}[0].rule: Required value: rule is not specified")), "{found:#?}");
        assert!(found.contains(&format!(
            "{rules}[1].message: Invalid value: \"one\ntwo\": message must not contain line breaks"
        )));
        assert!(found.contains(&format!(
            "{rules}[2].reason: Unsupported value: \"FieldValueWrong\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\""
        )));
    }

    #[test]
    fn deeply_nested_rules_are_refused_not_a_crash() {
        for depth in [30, 200] {
            let rule = format!("{}true{}", "(".repeat(depth), ")".repeat(depth));
            let schema = json!({"x-kubernetes-validations": [{"rule": rule}]});
            // Whatever the parser makes of it, on its own stack nothing overflows.
            let problems = compile_problems(&schema, "s");
            let rules = Rules::compile(&schema);
            assert_eq!(problems.is_empty(), !rules.is_empty());
            assert!(validate(&schema, &rules, None, &json!({})).is_empty());
        }
    }
}
