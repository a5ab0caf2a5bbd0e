//! ARCHITECTURE.md's "Depends on" lines are the code map people trust: each names the
//! workspace crates its package depends on, and `cargo metadata` must agree.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The workspace crates each package depends on (normal dependencies), from cargo.
fn from_cargo() -> BTreeMap<String, BTreeSet<String>> {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(ROOT)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut map = BTreeMap::new();
    for p in meta["packages"].as_array().unwrap() {
        let deps = p["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["name"].as_str())
            .filter(|n| n.starts_with("viva-"))
            .map(str::to_owned)
            .collect();
        map.insert(p["name"].as_str().unwrap().to_owned(), deps);
    }
    map
}

/// The workspace crates each section's "Depends on" names: its first sentence, without
/// the parts about dev-dependencies.
fn from_document() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(format!("{ROOT}/ARCHITECTURE.md")).unwrap();
    let mut map = BTreeMap::new();
    for section in text.split("\n### ").skip(1) {
        let heading = section.lines().next().unwrap();
        let package = if heading.contains("the desktop app `viva`") {
            "viva".to_owned()
        } else if let Some(rest) = heading.strip_prefix("`crates/") {
            rest.split('`').next().unwrap().to_owned()
        } else {
            continue;
        };
        let Some(at) = section.find("- Depends on:") else {
            continue;
        };
        let line: String = section[at + "- Depends on:".len()..]
            .split("\n- ")
            .next()
            .unwrap()
            .replace('\n', " ");
        let sentence = line.split(". ").next().unwrap();
        let names = sentence
            .split(';')
            .filter(|part| !part.contains("dev-dependenc"))
            .flat_map(|part| part.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')))
            .filter(|w| w.starts_with("viva-"))
            .map(str::to_owned)
            .collect();
        map.insert(package, names);
    }
    map
}

#[test]
fn architecture_names_each_crates_workspace_dependencies() {
    let cargo = from_cargo();
    let document = from_document();
    for (package, deps) in &cargo {
        if package == "viva-testkit" {
            continue; // a dev-dependency only; its section says so
        }
        let written = document
            .get(package)
            .unwrap_or_else(|| panic!("ARCHITECTURE.md has no \"Depends on\" line for {package}"));
        assert_eq!(
            written, deps,
            "ARCHITECTURE.md's \"Depends on\" for {package} disagrees with Cargo.toml"
        );
    }
}
