//! The printer: the one place that decides what goes to stdout (requested data only), what
//! goes to stderr (messages, progress), and whether there are colours and spinners.
//!
//! Spinners are drawn only when stderr is a terminal, `--quiet` is off and `RUST_LOG` is unset
//! (so they never interleave with logs). Colours follow `--no-color`, `NO_COLOR` and whether the
//! stream is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use console::Style;
use indicatif::{ProgressBar, ProgressStyle};

use crate::ops::Reporter;

pub struct Printer {
    quiet: bool,
    color: bool,
    progress: bool,
    spinner: Mutex<Option<(ProgressBar, String)>>,
}

impl Printer {
    /// Decides from the flags and the environment (`NO_COLOR`, `RUST_LOG`, TTYs).
    pub fn new(quiet: bool, no_color: bool) -> Self {
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            quiet,
            color: stderr_tty && !no_color && !no_color_env,
            progress: stderr_tty && !quiet && std::env::var_os("RUST_LOG").is_none(),
            spinner: Mutex::new(None),
        }
    }

    /// Requested data, to stdout. A closed pipe (`| head`) is not an error worth reporting.
    pub fn data(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = out.write_all(b"\n");
        }
    }

    /// A message for a human, to stderr; suppressed by `--quiet`.
    pub fn message(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A success line (`ready: …`), green on a colour terminal.
    pub fn success(&self, text: &str) {
        self.message(&self.paint(Style::new().green(), text));
    }

    /// An error line, always printed.
    pub fn error(&self, text: &str) {
        eprintln!("{}", self.paint(Style::new().red().bold(), text));
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color { style.apply_to(text).to_string() } else { text.to_string() }
    }

    fn finish_line(&self, mark: &str, style: Style, name: &str, detail: &str) {
        let line = if detail.is_empty() { format!("{mark} {name}") } else { format!("{mark} {name}: {detail}") };
        self.message(&self.paint(style, &line));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(ProgressBar, String)>> {
        self.spinner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `value` as `-o json` (indented) or `-o yaml` prints it.
pub fn document<T: serde::Serialize>(value: &T, format: &str) -> anyhow::Result<String> {
    Ok(match format {
        "json" => serde_json::to_string_pretty(value)?,
        _ => serde_norway::to_string(value)?,
    })
}

/// Rows as kubectl prints a table: columns left-aligned to their widest cell, three spaces
/// apart, no trailing spaces. The first row is the header.
pub fn columns(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|i| rows.iter().map(|row| row.get(i).map_or(0, |cell| cell.chars().count())).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
            cells.join("   ").trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Reporter for Printer {
    fn step(&self, name: &str) {
        let mut current = self.lock();
        if let Some((bar, _)) = current.take() {
            bar.finish_and_clear();
        }
        if self.progress {
            let bar = ProgressBar::new_spinner();
            let style =
                ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_message(name.to_string());
            bar.enable_steady_tick(Duration::from_millis(100));
            *current = Some((bar, name.to_string()));
        } else {
            *current = Some((ProgressBar::hidden(), name.to_string()));
        }
    }

    fn done(&self, detail: &str) {
        if let Some((bar, name)) = self.lock().take() {
            bar.finish_and_clear();
            self.finish_line("✓", Style::new().green(), &name, detail);
        }
    }

    fn failed(&self) {
        if let Some((bar, name)) = self.lock().take() {
            bar.finish_and_clear();
            self.finish_line("✗", Style::new().red(), &name, "");
        }
    }

    fn progress(&self, current: u64, total: u64) {
        let current_step = self.lock();
        let Some((bar, name)) = current_step.as_ref() else { return };
        if !self.progress {
            return;
        }
        if bar.length() != Some(total) {
            let template = "{msg} [{bar:30}] {pos}/{len}";
            let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("=> "));
            bar.set_message(name.clone());
            bar.set_length(total);
        }
        bar.set_position(current);
    }

    fn note(&self, message: &str) {
        let current = self.lock();
        match current.as_ref() {
            Some((bar, _)) if self.progress => bar.suspend(|| self.message(message)),
            _ => self.message(message),
        }
    }
}
