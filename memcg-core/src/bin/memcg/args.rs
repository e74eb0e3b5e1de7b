//! Command-line parsing (no dependency: the grammar is small).

use std::path::PathBuf;

/// What the command line asks for.
pub(crate) enum Args {
    Help,
    Version,
    Run(Command),
}

/// One subcommand with its options.
pub(crate) enum Command {
    Snapshot {
        dir: Option<PathBuf>,
        json: bool,
    },
    Watch {
        dir: Option<PathBuf>,
        interval: f64,
        count: Option<u64>,
        json: bool,
    },
    Record {
        dir: Option<PathBuf>,
        out: PathBuf,
        interval: f64,
        duration: Option<f64>,
    },
    Replay {
        file: PathBuf,
        json: bool,
        plot: Option<PathBuf>,
    },
    Run {
        limit: Option<u64>,
        interval: f64,
        json: bool,
        cmd: Vec<String>,
    },
    Exporter {
        listen: String,
        root: Option<PathBuf>,
        interval: f64,
        pattern: Option<String>,
    },
}

/// Parses a byte size with an optional K/M/G/T suffix (powers of 1024).
pub(crate) fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                'B' => 1,
                _ => return Err(format!("invalid size {s:?}: unknown suffix {c:?}")),
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid size {s:?}: expected e.g. 268435456, 256M or 1G"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("invalid size {s:?}: too large"))
}

fn parse_seconds(opt: &str, s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err(format!(
            "{opt} expects a number of seconds in (0, 86400], got {s:?}"
        )),
    }
}

fn value<'a>(argv: &'a [String], i: &mut usize, opt: &str) -> Result<&'a str, String> {
    *i += 1;
    argv.get(*i)
        .map(String::as_str)
        .ok_or_else(|| format!("{opt} needs a value"))
}

/// Parses `argv` (without the program name). `--opt=value` is accepted for `--opt value`.
pub(crate) fn parse(raw: &[String]) -> Result<Args, String> {
    let mut argv: Vec<String> = Vec::with_capacity(raw.len());
    let mut after_dashes = false;
    for a in raw {
        match a.split_once('=') {
            Some((k, v)) if !after_dashes && k.starts_with("--") && k.len() > 2 => {
                argv.push(k.to_string());
                argv.push(v.to_string());
            }
            _ => {
                after_dashes |= a == "--";
                argv.push(a.clone());
            }
        }
    }
    let argv = argv.as_slice();
    let Some(sub) = argv.first() else {
        return Ok(Args::Help);
    };
    match sub.as_str() {
        "-h" | "--help" | "help" => return Ok(Args::Help),
        "-V" | "--version" => return Ok(Args::Version),
        _ => {}
    }
    let mut json = false;
    let mut interval: Option<f64> = None;
    let mut count: Option<u64> = None;
    let mut duration: Option<f64> = None;
    let mut out: Option<PathBuf> = None;
    let mut limit: Option<u64> = None;
    let mut listen: Option<String> = None;
    let mut root: Option<PathBuf> = None;
    let mut pattern: Option<String> = None;
    let mut plot: Option<PathBuf> = None;
    let mut positional: Vec<String> = Vec::new();
    let mut cmd: Vec<String> = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        match a {
            "--json" => json = true,
            "--interval" => interval = Some(parse_seconds(a, value(argv, &mut i, a)?)?),
            "--duration" => duration = Some(parse_seconds(a, value(argv, &mut i, a)?)?),
            "--count" => {
                let v = value(argv, &mut i, a)?;
                count = Some(
                    v.parse()
                        .map_err(|_| format!("--count expects a whole number, got {v:?}"))?,
                );
            }
            "--out" | "-o" => out = Some(PathBuf::from(value(argv, &mut i, a)?)),
            "--limit" => limit = Some(parse_bytes(value(argv, &mut i, a)?)?),
            "--listen" => listen = Some(value(argv, &mut i, a)?.to_string()),
            "--root" => root = Some(PathBuf::from(value(argv, &mut i, a)?)),
            "--match" => pattern = Some(value(argv, &mut i, a)?.to_string()),
            "--plot" => plot = Some(PathBuf::from(value(argv, &mut i, a)?)),
            "-h" | "--help" => return Ok(Args::Help),
            "--" => {
                cmd.extend(argv[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                return Err(format!("unknown option {a:?} for `memcg {sub}`"))
            }
            _ => positional.push(a.to_string()),
        }
        i += 1;
    }
    let allow = |ok: &[&str]| -> Result<(), String> {
        let used = [
            ("--json", json),
            ("--interval", interval.is_some()),
            ("--count", count.is_some()),
            ("--duration", duration.is_some()),
            ("--out", out.is_some()),
            ("--limit", limit.is_some()),
            ("--listen", listen.is_some()),
            ("--root", root.is_some()),
            ("--match", pattern.is_some()),
            ("--plot", plot.is_some()),
        ];
        for (name, on) in used {
            if on && !ok.contains(&name) {
                return Err(format!("`memcg {sub}` does not take {name}"));
            }
        }
        Ok(())
    };
    let one_dir = |p: &[String]| -> Result<Option<PathBuf>, String> {
        match p {
            [] => Ok(None),
            [d] => Ok(Some(PathBuf::from(d))),
            _ => Err(format!("`memcg {sub}` takes at most one DIR")),
        }
    };
    if sub != "run" && !cmd.is_empty() {
        return Err(format!("`memcg {sub}` does not take `-- CMD`"));
    }
    let c = match sub.as_str() {
        "snapshot" => {
            allow(&["--json"])?;
            Command::Snapshot {
                dir: one_dir(&positional)?,
                json,
            }
        }
        "watch" => {
            allow(&["--json", "--interval", "--count"])?;
            Command::Watch {
                dir: one_dir(&positional)?,
                interval: interval.unwrap_or(1.0),
                count,
                json,
            }
        }
        "record" => {
            allow(&["--interval", "--duration", "--out"])?;
            Command::Record {
                dir: one_dir(&positional)?,
                out: out.ok_or("`memcg record` needs --out FILE.csv")?,
                interval: interval.unwrap_or(1.0),
                duration,
            }
        }
        "replay" => {
            allow(&["--json", "--plot"])?;
            if let Some(p) = &plot {
                if !matches!(p.extension().and_then(|e| e.to_str()), Some("svg" | "png")) {
                    return Err(format!(
                        "--plot writes SVG or PNG: give a file name ending in .svg or .png, not {}",
                        p.display()
                    ));
                }
            }
            match positional.as_slice() {
                [f] => Command::Replay {
                    file: PathBuf::from(f),
                    json,
                    plot,
                },
                _ => return Err("`memcg replay` takes exactly one FILE.csv".into()),
            }
        }
        "run" => {
            allow(&["--json", "--interval", "--limit"])?;
            if !positional.is_empty() {
                return Err("`memcg run` takes the command after `--`".into());
            }
            if cmd.is_empty() {
                return Err("`memcg run` needs a command: memcg run -- CMD [ARGS...]".into());
            }
            Command::Run {
                limit,
                interval: interval.unwrap_or(0.5),
                json,
                cmd,
            }
        }
        "exporter" => {
            allow(&["--interval", "--listen", "--root", "--match"])?;
            if !positional.is_empty() {
                return Err("`memcg exporter` takes no positional argument (use --root)".into());
            }
            Command::Exporter {
                listen: listen.unwrap_or_else(|| "127.0.0.1:9256".into()),
                root,
                interval: interval.unwrap_or(1.0),
                pattern,
            }
        }
        other => return Err(format!("unknown command {other:?}")),
    };
    Ok(Args::Run(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("256M"), Ok(256 << 20));
        assert_eq!(parse_bytes("1g"), Ok(1 << 30));
        assert_eq!(parse_bytes("4096"), Ok(4096));
        assert!(parse_bytes("12Q").is_err());
        assert!(parse_bytes("99999999999T").is_err());
    }

    #[test]
    fn commands() {
        let v = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert!(matches!(
            parse(&v("snapshot /x --json")),
            Ok(Args::Run(Command::Snapshot { json: true, .. }))
        ));
        assert!(parse(&v("snapshot --count 3")).is_err());
        assert!(parse(&v("record /x")).is_err());
        assert!(matches!(
            parse(&v("run --limit 64M -- python3 -c pass")),
            Ok(Args::Run(Command::Run {
                limit: Some(67108864),
                ..
            }))
        ));
        assert!(parse(&v("bogus")).is_err());
        assert!(matches!(
            parse(&v("exporter --listen=0.0.0.0:9256 --root=/x")),
            Ok(Args::Run(Command::Exporter { ref listen, .. })) if listen == "0.0.0.0:9256"
        ));
        assert!(matches!(
            parse(&v("run -- env A=b")),
            Ok(Args::Run(Command::Run { ref cmd, .. })) if cmd == &["env", "A=b"]
        ));
    }
}
