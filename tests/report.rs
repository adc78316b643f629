//! The report end to end: `run` ends with `index.html`, `aggregate.csv` and `comparisons.csv`; `report DIR`
//! re-renders the same bytes from the stored CSVs; a folder that holds no results is bad input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = r#"(
    name: "report",
    envs: [(id: "CartPole-v1", steps: 1500, eval_every: 500, eval_episodes: 2, final_evals: 1)],
    agent: (hidden: [16], learning_rate: 0.001, batch_size: 32, buffer_size: 1500, learning_starts: 200,
            train_every: 2, target: Hard(100)),
    variants: [(name: "vanilla"), (name: "double", agent: (double: true)), (name: "no-target", agent: (target: None))],
    reference: "vanilla",
    seeds: Count(3),
)"#;

/// Writes `source` to `dir/file`, runs it with `--out dir/out`, checks that the run succeeded, and returns the
/// results folder.
fn run_spec(dir: &Path, file: &str, source: &str) -> PathBuf {
    let spec = dir.join(file);
    fs::write(&spec, source).unwrap();
    let out = dir.join("out");
    let run = knowhow(&["run", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out
}

fn knowhow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn run_writes_the_report_and_report_rerenders_it_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("report.ron");
    fs::write(&spec, SPEC).unwrap();
    let out = dir.path().join("out");
    let run = knowhow(&["run", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("report: "));

    let page = fs::read_to_string(out.join("index.html")).unwrap();
    for section in [
        "The answer",
        "Why two networks?",
        "Does double Q-learning fix overestimation?",
        "Across environments",
        "Cost",
        "Appendix",
    ] {
        assert!(page.contains(section), "the page has no {section:?} section");
    }
    assert!(page.contains("<svg"), "figures are inline SVG");
    assert!(!page.contains("<script"), "the page needs no JavaScript");
    // (SVG's `xmlns="http://www.w3.org/2000/svg"` names a namespace; nothing is fetched.)
    for loader in ["src=\"http", "href=\"http", "<link", "@import", "url(http"] {
        assert!(
            !page.contains(loader),
            "the page loads nothing from the network: found {loader}"
        );
    }

    let aggregate = fs::read_to_string(out.join("aggregate.csv")).unwrap();
    assert!(
        aggregate.starts_with("env,variant,n,iqm,iqm_low,iqm_high,mean,median,std\n"),
        "{aggregate}"
    );
    assert_eq!(aggregate.lines().count(), 4, "a header and one row per variant");
    let comparisons = fs::read_to_string(out.join("comparisons.csv")).unwrap();
    assert!(comparisons.starts_with("env,variant,reference,iqm_diff,diff_low,diff_high,p_improve,p_low,p_high,verdict"));
    assert_eq!(comparisons.lines().count(), 3, "every variant but the reference");

    let rerendered = knowhow(&["report", out.to_str().unwrap()]);
    assert!(
        rerendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rerendered.stderr)
    );
    assert_eq!(
        fs::read_to_string(out.join("index.html")).unwrap(),
        page,
        "the same folder gives the same page"
    );
    assert_eq!(fs::read_to_string(out.join("comparisons.csv")).unwrap(), comparisons);
}

#[test]
fn a_spec_declares_its_own_questions_and_score_anchors() {
    let dir = tempfile::tempdir().unwrap();
    let source = SPEC
        .replace("final_evals: 1)", "final_evals: 1, random_score: 10.0, reference_score: 200.0)")
        .replace(
            "seeds: Count(3),",
            "seeds: Count(3),\n    questions: [(title: \"Does double DQN learn sooner?\", text: \"Judged by the area under \
             the curve.\", variants: [\"double\"], metric: Auc)],",
        );
    let out = run_spec(dir.path(), "declared.ron", &source);
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("Does double DQN learn sooner?") && page.contains("Judged by the area under the curve."));
    assert!(
        !page.contains("Why two networks?"),
        "declared questions replace the default ones"
    );
    assert!(page.contains("Area under the evaluation curve of every seed"));
    assert!(
        page.contains("the area under the learning curve") && page.contains("on CartPole-v1"),
        "the finding is about the AUC"
    );
    assert!(
        page.contains("CartPole-v1 10 → 200"),
        "the declared anchors are the scale"
    );
}

#[test]
fn a_spec_may_score_its_runs_on_training_episodes_as_the_revisiting_rainbow_study_does() {
    let dir = tempfile::tempdir().unwrap();
    let source = SPEC.replace(
        "seeds: Count(3),",
        "seeds: Count(3),\n    measure: Some(TrainingEpisodes),",
    );
    let out = run_spec(dir.path(), "training.ron", &source);
    // Each run's score, from its episodes.csv by hand: the mean return of the episodes that ended at step 1,350 or
    // later (the last tenth of 1,500 steps). The aggregate's mean is their mean over the seeds.
    for variant in ["vanilla", "double", "no-target"] {
        let scores: Vec<f64> = (0..3)
            .map(|seed| {
                let episodes = out.join(format!("runs/CartPole-v1/{variant}/seed-{seed}/episodes.csv"));
                let tail: Vec<f64> = fs::read_to_string(episodes)
                    .unwrap()
                    .lines()
                    .skip(1)
                    .map(|line| line.split(',').collect::<Vec<_>>())
                    .filter(|fields| fields[0].parse::<usize>().unwrap() >= 1350)
                    .map(|fields| fields[2].parse::<f64>().unwrap())
                    .collect();
                tail.iter().sum::<f64>() / tail.len() as f64
            })
            .collect();
        let want = scores.iter().sum::<f64>() / 3.0;
        let aggregate = fs::read_to_string(out.join("aggregate.csv")).unwrap();
        let row = aggregate
            .lines()
            .find(|line| line.starts_with(&format!("CartPole-v1,{variant},")))
            .unwrap();
        let mean: f64 = row.split(',').nth(6).unwrap().parse().unwrap();
        assert!(
            (mean - want).abs() < 1e-9,
            "{variant}: aggregate mean {mean}, by hand {want}"
        );
    }
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("This spec scores every run on its training episodes"));
    assert!(
        page.contains("training return (exploration on)") && !page.contains("greedy eval return"),
        "the questions' curves say what they show"
    );
    assert!(
        page.contains("Training return (exploration on) over training") && !page.contains("Greedy evaluation return"),
        "and so do their captions"
    );
}

#[test]
fn extended_variants_meet_their_own_reference_and_claims_get_a_verdict_that_follows_the_interval() {
    let dir = tempfile::tempdir().unwrap();
    let source = SPEC
        .replace(
            r#"(name: "no-target", agent: (target: None))"#,
            r#"(name: "double-no-target", extends: "double", agent: (target: None))"#,
        )
        .replace(
            "seeds: Count(3),",
            "seeds: Count(3),\n    expectations: [\n        (env: \"CartPole-v1\", variant: \"double-no-target\", \
             expected: Worse, source: \"a paper, Sec. 1\"),\n        (env: \"CartPole-v1\", variant: \
             \"double-no-target\", reference: \"vanilla\", expected: Better, source: \"another\"),\n    ],",
        );
    let out = run_spec(dir.path(), "claims.ron", &source);
    // comparisons.csv: double against vanilla, double-no-target against double (the variant it extends).
    let comparisons = fs::read_to_string(out.join("comparisons.csv")).unwrap();
    let mut rows = comparisons
        .lines()
        .map(|line| line.split(',').map(str::to_string).collect::<Vec<_>>());
    let header = rows.next().unwrap();
    let column = |name: &str| header.iter().position(|field| field == name).unwrap();
    let rows: Vec<Vec<String>> = rows.filter(|row| row[column("metric")] == "FinalScore").collect();
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| (row[column("variant")].as_str(), row[column("reference")].as_str()))
        .collect();
    assert_eq!(pairs, [("double", "vanilla"), ("double-no-target", "double")]);
    // The first claim's verdict follows that row's interval: "worse" agrees only if the interval lies below 0.
    let row = &rows[1];
    let (low, high): (f64, f64) = (
        row[column("diff_low")].parse().unwrap(),
        row[column("diff_high")].parse().unwrap(),
    );
    let verdict = if high < 0.0 {
        "agrees"
    } else if low > 0.0 {
        "disagrees"
    } else {
        "cannot tell"
    };
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("Reproduction: the published claims"));
    let claim = page
        .split("<tr>")
        .find(|line| line.contains("double-no-target vs double<"))
        .expect("the first claim's line");
    assert!(claim.contains(&format!(">{verdict}<")), "{verdict}: {claim}");
    assert!(
        page.contains("double-no-target vs vanilla<"),
        "the second claim's own reference"
    );
    let claims = fs::read_to_string(out.join("expectations.csv")).unwrap();
    let first = claims.lines().nth(1).unwrap();
    assert!(
        first.starts_with("CartPole-v1,double-no-target,double,Worse,")
            && first.contains(&format!(",{},", verdict.replace(' ', "-"))),
        "{first}"
    );
}

#[test]
fn a_comparison_keeps_its_interval_when_the_spec_gains_a_variant() {
    // The bootstrap of each comparison is seeded from its names, not its position: adding "dueling" before the
    // others (its runs trained into the same folder, the others reused) leaves every other row as it was.
    // Eight seeds, so that the scores spread and a resample's seed shows in the interval.
    let dir = tempfile::tempdir().unwrap();
    let three = SPEC.replace("seeds: Count(3)", "seeds: Count(8)");
    let out = run_spec(dir.path(), "three.ron", &three);
    let before = fs::read_to_string(out.join("comparisons.csv")).unwrap();
    let grown = three.replace(
        r#"variants: [(name: "vanilla"), "#,
        r#"variants: [(name: "vanilla"), (name: "dueling", agent: (dueling: true)), "#,
    );
    assert_ne!(grown, three);
    run_spec(dir.path(), "four.ron", &grown);
    let after = fs::read_to_string(out.join("comparisons.csv")).unwrap();
    // Every column but `holm`: Holm's correction is over the page's whole family of comparisons, which grew.
    let rows_of = |text: &str, variant: &str| -> Vec<String> {
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let holm = header.iter().position(|name| *name == "holm").unwrap();
        text.lines()
            .filter(|line| line.split(',').nth(1) == Some(variant))
            .map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                [&fields[..holm], &fields[holm + 1..]].concat().join(",")
            })
            .collect()
    };
    for variant in ["double", "no-target"] {
        assert_eq!(rows_of(&before, variant).len(), 1, "{variant}:\n{before}");
        assert_eq!(rows_of(&before, variant), rows_of(&after, variant), "{variant}");
    }
    assert_eq!(rows_of(&after, "dueling").len(), 1, "{after}");
}

#[test]
fn noisy_variants_get_a_figure_of_their_noise_level() {
    // The exploration question of a spec with a noisy variant shows how loud its noise is, from train.csv's
    // noise_to_signal; a spec without one shows no such figure.
    let dir = tempfile::tempdir().unwrap();
    let source = SPEC.replace(
        r#"(name: "no-target", agent: (target: None))"#,
        r#"(name: "noisy", agent: (exploration: Noisy(0.5)))"#,
    );
    let out = run_spec(dir.path(), "noisy.ron", &source);
    let train = fs::read_to_string(out.join("runs/CartPole-v1/noisy/seed-0/train.csv")).unwrap();
    let first = train.lines().nth(1).unwrap();
    let levels: Vec<f64> = first
        .rsplit(',')
        .next()
        .unwrap()
        .split(';')
        .map(|level| level.parse().unwrap())
        .collect();
    assert_eq!(levels.len(), 2, "the last hidden layer and the head: {first}");
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("Which exploration noise?"));
    assert!(page.contains("How loud the noisy variants' noise is"));
    let plain_dir = tempfile::tempdir().unwrap();
    let plain = run_spec(plain_dir.path(), "plain.ron", SPEC);
    let page = fs::read_to_string(plain.join("index.html")).unwrap();
    assert!(!page.contains("How loud the noisy variants' noise is"));
}

#[test]
fn report_of_a_folder_without_results_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let output = knowhow(&["report", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no results folder here"));
}

#[test]
fn game_evaluations_record_win_draw_and_loss_rates_and_the_report_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_spec(
        dir.path(),
        "game.ron",
        r#"(
            name: "game",
            envs: [(id: "ConnectFour-v0", steps: 600, eval_every: 300, eval_episodes: 20, final_evals: 1)],
            agent: (hidden: [16], batch_size: 16, buffer_size: 600, learning_starts: 100),
            seeds: Count(1),
        )"#,
    );

    let evals = fs::read_to_string(out.join("runs/ConnectFour-v0/base/seed-0/evals.csv")).unwrap();
    let mut lines = evals.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|field| *field == name).unwrap();
    let mut last_rates = (0.0, 0.0, 0.0);
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        // Every game's return is in `returns`: the rates must be its shares of +1, 0 and −1.
        let returns: Vec<f64> = fields[column("returns")]
            .split(';')
            .map(|value| value.parse().unwrap())
            .collect();
        let share = |wanted: f64| returns.iter().filter(|value| **value == wanted).count() as f64 / 20.0;
        let rate = |name: &str| fields[column(name)].parse::<f64>().unwrap();
        last_rates = (rate("win_rate"), rate("draw_rate"), rate("loss_rate"));
        assert_eq!(last_rates, (share(1.0), share(0.0), share(-1.0)), "{line}");
    }
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    let won = format!(
        "<td>{:.1}%</td><td>{:.1}%</td><td>{:.1}%</td>",
        100.0 * last_rates.0,
        100.0 * last_rates.1,
        100.0 * last_rates.2
    );
    assert!(
        page.contains(&won),
        "the report's outcome table shows the final evaluation's rates: {won}"
    );
}

#[test]
fn a_reference_whose_runs_all_failed_is_named_not_called_missing() {
    // Regression (issue 12): the page said "the spec names no reference variant" when it named one whose runs had
    // all failed.
    use knowhow::plan::plan;
    use knowhow::store::ResultsDir;
    use knowhow::train::{EvalRecord, RunRecords};
    let source = r#"(name: "failed-reference", envs: [(id: "CartPole-v1", steps: 100, eval_every: 100, final_evals: 1)],
        variants: [(name: "vanilla"), (name: "double", agent: (double: true))], reference: "vanilla", seeds: Count(2))"#;
    let spec = knowhow::spec::parse_spec(source, std::path::Path::new("failed-reference.ron")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let results = ResultsDir::new(dir.path());
    results.write_spec(source).unwrap();
    for run in plan(&spec) {
        if run.variant == "vanilla" {
            results
                .write_failed_run(&run, "loss became NaN at env step 60".into(), 0.1)
                .unwrap();
            continue;
        }
        let eval = |step: usize| EvalRecord {
            step,
            mean_return: 30.0,
            returns: "30".into(),
            q_estimate: 1.0,
            discounted_return: 1.0,
            win_rate: None,
            draw_rate: None,
            loss_rate: None,
        };
        let records = RunRecords {
            evals: vec![eval(0), eval(100)],
            steps: 100,
            wall_secs: 0.1,
            ..RunRecords::default()
        };
        results.write_run(&run, &records).unwrap();
    }
    let output = knowhow(&["report", dir.path().to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let page = fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(!page.contains("names no <code>reference</code>"));
    assert!(
        page.contains("The spec names <strong>vanilla</strong> as the reference variant, but no env has complete runs"),
        "the page explains why nothing is compared"
    );
}

/// A LunarLander experiment's report shows each variant's landing: the flight its median run made after training
/// (stored as `landing.json`, the lander's position every step from the reset on), and a CartPole report shows none.
#[test]
fn a_lunar_lander_report_draws_a_landing_per_variant() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_spec(
        dir.path(),
        "lander.ron",
        r#"(
            name: "lander",
            envs: [(id: "LunarLander-v3", steps: 1200, eval_every: 600, eval_episodes: 1, final_evals: 1,
                    options: {"max_steps": 300})],
            agent: (hidden: [8], batch_size: 16, buffer_size: 1200, learning_starts: 100, train_every: 4),
            variants: [(name: "vanilla"), (name: "double", agent: (double: true))],
            reference: "vanilla",
            seeds: Count(3),
        )"#,
    );
    let flight: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("runs/LunarLander-v3/vanilla/seed-0/landing.json")).unwrap())
            .unwrap();
    let frames = flight["frames"].as_array().unwrap();
    assert!(
        (2..=301).contains(&frames.len()),
        "the reset and at most 300 steps: {}",
        frames.len()
    );
    assert!(frames[0]["action"].is_null() && frames[1]["action"].as_u64().unwrap() < 4);
    // Gymnasium's lander starts at the top middle of the viewport: (10, 13.33) before its first step.
    assert!((frames[0]["x"].as_f64().unwrap() - 10.0).abs() < 0.1, "{}", frames[0]);
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    let landings = page.split("id=\"landings\"").nth(1).expect("a Landings section");
    let landings = landings.split("</section>").next().unwrap();
    assert_eq!(landings.matches("<svg").count(), 2, "one picture per variant");
    assert!(landings.contains("vanilla on LunarLander-v3: seed ") && landings.contains("the median of its 3 runs"));

    let cartpole = dir.path().join("cartpole");
    let spec = dir.path().join("report.ron");
    fs::write(&spec, SPEC).unwrap();
    let run = knowhow(&["run", spec.to_str().unwrap(), "--out", cartpole.to_str().unwrap()]);
    assert!(run.status.success());
    assert!(!fs::read_to_string(cartpole.join("index.html"))
        .unwrap()
        .contains("id=\"landings\""));
}

/// A MinAtar experiment's report shows a few frames of each variant's median run playing greedily after training
/// (stored as `episode.json`: the first frame is the reset's observation, the last the episode's end).
#[test]
fn a_minatar_report_draws_frames_of_a_greedy_episode_per_variant() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_spec(
        dir.path(),
        "space.ron",
        r#"(
            name: "space",
            envs: [(id: "MinAtar/SpaceInvaders-v1", steps: 600, eval_every: 300, eval_episodes: 1, final_evals: 1)],
            agent: (network: MinAtarConv(filters: 4), hidden: [8], batch_size: 8, buffer_size: 600,
                    learning_starts: 100, train_every: 4),
            variants: [(name: "vanilla"), (name: "double", agent: (double: true))],
            reference: "vanilla",
            seeds: Count(3),
        )"#,
    );
    let episode: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(out.join("runs/MinAtar/SpaceInvaders-v1/vanilla/seed-0/episode.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(episode["shape"], serde_json::json!([10, 10, 6]));
    assert_eq!(episode["channel_names"][0], "cannon");
    let frames = episode["frames"].as_array().unwrap();
    let steps = episode["steps"].as_u64().unwrap();
    assert!((2..=8).contains(&frames.len()), "{} frames", frames.len());
    assert_eq!(frames[0]["step"], 0);
    assert_eq!(frames.last().unwrap()["step"].as_u64(), Some(steps));
    // The reset frame: the cannon at (9, 5) and 24 aliens moving left, each also in the "alien_left" channel.
    let cells = frames[0]["cells"].as_str().unwrap().as_bytes();
    assert_eq!(cells.len(), 600);
    assert_eq!(cells[(9 * 10 + 5) * 6], b'1');
    let ones = |channel: usize| (0..100).filter(|cell| cells[cell * 6 + channel] == b'1').count();
    assert_eq!([ones(0), ones(1), ones(2), ones(3)], [1, 24, 24, 0]);

    let page = fs::read_to_string(out.join("index.html")).unwrap();
    let section = page.split("id=\"episodes\"").nth(1).expect("a Greedy episodes section");
    let section = section.split("</section>").next().unwrap();
    assert_eq!(section.matches("<svg").count(), 2, "one picture per variant");
    let caption = section.split("<figcaption>").nth(1).unwrap();
    // The page escapes the id's slash.
    assert!(
        caption.starts_with("vanilla on MinAtar&#x2f;SpaceInvaders-v1: seed ")
            && caption.contains("the median of its 3 runs"),
        "{caption}"
    );
    assert!(section.contains("alien_left"), "the legend names the channels");
}
