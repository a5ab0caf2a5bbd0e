//! What the app and browser benchmarks both measure about a process tree: CPU, memory and
//! which threads the CPU went to. Included by both examples with `#[path]`.
#![allow(dead_code)] // each example uses its own part

use std::collections::HashMap;
use std::time::Duration;

const TICK: f64 = 100.0; // USER_HZ on Linux

/// (pid, ppid, executable) of every process we can read.
fn processes() -> Vec<(u32, u32, String)> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let ppid = stat
                .rsplit(')')
                .next()?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            Some((pid, ppid, exe))
        })
        .collect()
}

/// The processes running `exe` and every process below them.
pub fn tree_of_exe(exe: &str) -> Vec<u32> {
    let all = processes();
    // Exactly this executable (a rebuilt one shows as "<path> (deleted)"): a prefix would
    // also take `viva-bot`, the publishers, for part of `viva`.
    let roots = all
        .iter()
        .filter(|(_, _, e)| e == exe || e.strip_suffix(" (deleted)") == Some(exe))
        .map(|(p, _, _)| *p);
    descendants(&all, roots.collect())
}

/// `root` and every process below it.
pub fn tree_of_pid(root: u32) -> Vec<u32> {
    descendants(&processes(), vec![root])
}

fn descendants(all: &[(u32, u32, String)], mut pids: Vec<u32>) -> Vec<u32> {
    let mut i = 0;
    while i < pids.len() {
        let parent = pids[i];
        for (pid, ppid, _) in all {
            if *ppid == parent && !pids.contains(pid) {
                pids.push(*pid);
            }
        }
        i += 1;
    }
    pids
}

pub fn pss_mb(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).ok())
        .filter_map(|t| t.lines().find(|l| l.starts_with("Pss:")).map(str::to_owned))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .sum::<f64>()
        / 1024.0
}

/// utime + stime in seconds from a /proc stat line.
fn stat_cpu(stat: &str) -> Option<f64> {
    let f: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / TICK)
}

/// CPU seconds (user + system) used so far by `pids`.
pub fn cpu_s(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .filter_map(|s| stat_cpu(&s))
        .sum()
}

/// CPU seconds per (process name, thread name), thread names with their trailing numbers
/// folded together ("llvmpipe-0", "llvmpipe-1" -> "llvmpipe-N").
pub fn thread_cpu(pids: &[u32]) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for pid in pids {
        let process = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let path = task.path();
            let (Ok(comm), Ok(stat)) = (
                std::fs::read_to_string(path.join("comm")),
                std::fs::read_to_string(path.join("stat")),
            ) else {
                continue;
            };
            let thread = comm.trim();
            let folded = thread.trim_end_matches(|c: char| c.is_ascii_digit());
            let thread = if folded.len() < thread.len() {
                format!("{folded}N")
            } else {
                thread.to_owned()
            };
            *out.entry(format!("{}/{thread}", process.trim()))
                .or_insert(0.0) += stat_cpu(&stat).unwrap_or(0.0);
        }
    }
    out
}

/// The threads that used at least 2% of one core between two `thread_cpu` samples.
pub fn print_thread_breakdown(
    before: &HashMap<String, f64>,
    after: &HashMap<String, f64>,
    dt: Duration,
) {
    let mut rows: Vec<(String, f64)> = after
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                (v - before.get(k).unwrap_or(&0.0)) / dt.as_secs_f64() * 100.0,
            )
        })
        .filter(|(_, pct)| *pct >= 2.0)
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let line: Vec<String> = rows.iter().map(|(k, p)| format!("{k} {p:.0}%")).collect();
    println!("         threads: {}", line.join(", "));
}
