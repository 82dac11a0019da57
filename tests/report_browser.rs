//! End to end: a real (tiny) measured report, opened in headless Chromium. The page must load,
//! every image and SVG must render, and the tables must hold one row per variant. A screenshot is
//! saved for people to look at.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it). Without it the test is skipped with a
//! message, except under CI (`CI` set), where a missing browser is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mandel_lab::record::results::Results;

const CHECK_SCRIPT: &str = r#"<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const svgs = [...document.querySelectorAll('svg')];
  const drawn = s => { const b = s.getBoundingClientRect();
    return b.width > 0 && b.height > 0 && s.querySelectorAll('rect,path,polyline,text').length > 0; };
  const result = {
    imgs: imgs.length,
    imgs_ok: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
    svgs: svgs.length,
    svgs_ok: svgs.filter(drawn).length,
    rows: document.querySelectorAll('table.results tbody tr[data-variant]').length,
    sections: document.querySelectorAll('section').length,
    // Charts and tables that reach past the page's column, or tables that need their scroll box.
    past_page: [...document.querySelectorAll('table, svg, .wide')].filter(e =>
      e.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1).length,
    scrolled: [...document.querySelectorAll('.wide')].filter(w => w.scrollWidth > w.clientWidth + 1)
      .map(w => w.closest('section').id),
  };
  const pre = document.createElement('pre');
  pre.id = 'selfcheck';
  pre.textContent = 'SELFCHECK' + JSON.stringify(result) + 'END';
  document.body.appendChild(pre);
});
</script>
</body>"#;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .filter_map(|name| {
            let out = Command::new("which").arg(name).output().ok()?;
            out.status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        })
        .next()
}

fn headless(browser: &Path, profile: &Path, args: &[&str]) -> Output {
    Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("the browser starts")
}

#[test]
#[ignore = "full tier: a measured report opened in a real Chromium"]
fn measured_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed; .ci/run installs it with apt-get install chromium"
        );
        println!("skip: measured_report_renders_in_headless_chromium (chromium not installed)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("reports");
    let out = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args([
            "report",
            "--width",
            "50",
            "--height",
            "50",
            "--maxiter",
            "100",
            "--samples",
            "10",
            "--warm-up",
            "0.05",
            "--measurement",
            "0.1",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Single-core loops") && stdout.contains("median ± spread"),
        "{stdout}"
    );
    let results = Results::load(&out_dir.join("results.json")).unwrap();
    assert_eq!(results.problem.reference_sum, 8974);
    for v in results.variants.iter().filter(|v| v.info.available) {
        assert_eq!(v.status.label(), "OK", "{v:?}");
        let t = v.timing.as_ref().expect("every available variant is timed");
        assert!(
            t.samples >= 10 && t.min <= t.median && t.median <= t.max,
            "{t:?}"
        );
        assert!(
            t.median_ci[0] <= t.median && t.median <= t.median_ci[1],
            "{t:?}"
        );
    }
    assert!(
        out_dir.join("criterion/report/index.html").exists(),
        "criterion's report"
    );

    let page = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    let check = out_dir.join("selfcheck.html");
    std::fs::write(&check, page.replace("</body>", CHECK_SCRIPT)).unwrap();
    let profile = dir.path().join("profile");
    let dom = headless(
        &browser,
        &profile,
        &[
            "--virtual-time-budget=5000",
            "--window-size=1280,2400",
            "--dump-dom",
            &format!("file://{}", check.display()),
        ],
    );
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    let json = dom_text
        .split_once("SELFCHECK{")
        .and_then(|(_, rest)| rest.split_once("}END"))
        .map(|(json, _)| format!("{{{json}}}"))
        .unwrap_or_else(|| {
            panic!(
                "no self-check in the DOM: {}",
                String::from_utf8_lossy(&dom.stderr)
            )
        });
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["imgs"].as_u64().unwrap() >= 1, "{v}");
    assert_eq!(v["imgs"], v["imgs_ok"], "every image loads: {v}");
    assert!(v["svgs"].as_u64().unwrap() >= 1, "{v}");
    assert_eq!(v["svgs"], v["svgs_ok"], "every SVG renders: {v}");
    assert_eq!(
        v["rows"].as_u64().unwrap() as usize,
        results.variants.len(),
        "{v}"
    );
    assert_eq!(
        v["past_page"], 0,
        "every chart and table fits the page's width: {v}"
    );
    assert_eq!(
        v["scrolled"],
        serde_json::json!([]),
        "no table needs scrolling at 1280 pixels: {v}"
    );

    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    headless(
        &browser,
        &profile,
        &[
            "--window-size=1200,2400",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", out_dir.join("index.html").display()),
        ],
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "screenshot {} is {size} bytes",
        shot.display()
    );
    println!("screenshot: {}", shot.display());
}
