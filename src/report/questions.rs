//! The report's questions: which trick a variant isolates, and the question (with a short explanation) that a
//! comparison with the reference answers. A variant that changes exactly one field of the base agent isolates that
//! trick; a variant that changes several (e.g. `all`) appears in the answer and the aggregates, not in a question.

use crate::analysis::VariantSummary;
use crate::spec::{Metric, Question as DeclaredQuestion};

/// A question and the variants that answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub title: String,
    pub text: String,
    pub variants: Vec<String>,
    pub metric: Metric,
    /// Whether its figures include the overestimation plot: when one of its variants switches double DQN on, the
    /// trick that is about overestimation.
    pub shows_overestimation: bool,
}

impl From<&DeclaredQuestion> for Question {
    fn from(question: &DeclaredQuestion) -> Self {
        Question {
            title: question.title.clone(),
            text: question.text.clone(),
            variants: question.variants.clone(),
            metric: question.metric,
            shows_overestimation: false,
        }
    }
}

/// Every default question: the field it is about, its title and its explanation.
const QUESTIONS: &[(&str, &str, &str)] = &[
    (
        "target",
        "Why two networks?",
        "DQN regresses Q(s, a) onto r + γ·max Q(s′, ·). When the network being trained also computes that target, \
         every gradient step moves the target too, and errors can feed on themselves. The target network is a lagging \
         copy that holds the target still between copies (Hard) or lets it follow slowly (Soft). A variant with \
         target None bootstraps from the online network itself.",
    ),
    (
        "double",
        "Does double Q-learning fix overestimation?",
        "The max in the target picks whichever action's estimate happens to be too high, so Q-learning tends to \
         overestimate. Double DQN lets the online network choose the action and the target network evaluate it. The \
         overestimation plot compares what the network believes the start state is worth with what the greedy policy \
         actually collected from it.",
    ),
    (
        "replay",
        "Does prioritized sampling help?",
        "Uniform replay spends most updates on transitions the network already predicts well. Prioritized replay \
         samples in proportion to the last TD error (p^α) and corrects the bias with importance weights.",
    ),
    (
        "exploration",
        "Which exploration noise?",
        "ε-greedy explores by acting at random with a scheduled probability. Noisy nets learn the scale of Gaussian \
         noise on their own weights, so exploration is state-dependent and could anneal itself; whether it does is \
         in each run's train.csv (noise_to_signal, per noisy layer), and with Adam it may instead grow (the \
         Revisiting Rainbow study's Acrobot, docs/revisiting-rainbow.md).",
    ),
    (
        "history",
        "What does history buy?",
        "A single observation may not hold the whole state (a velocity, a ball's direction). Stacking the last k \
         observations lets a memoryless network read such quantities.",
    ),
    (
        "dueling",
        "Does the dueling head help?",
        "A dueling network estimates the state's value V(s) and each action's advantage A(s, a) in separate heads, \
         Q = V + A − mean(A), so the value is learned from every action's updates.",
    ),
    (
        "n_step",
        "Do n-step returns help?",
        "Summing n rewards before bootstrapping propagates reward information n times faster, at the price of \
         bias from the exploratory actions inside the window.",
    ),
    (
        "distributional",
        "Does learning the return's distribution help?",
        "C51 predicts, for each action, a probability for each of 51 evenly spaced returns instead of one expected \
         value, and learns by projecting r + γ·Z(s′, a*) onto those atoms. Its Q-value is the distribution's mean, \
         so any gain comes from what learning the whole distribution does to the network's features.",
    ),
    (
        "loss",
        "Huber or squared error?",
        "The Huber loss is quadratic for small TD errors and linear for large ones, so a few large errors cannot \
         dominate the gradient.",
    ),
    (
        "max_grad_norm",
        "Does gradient clipping help?",
        "Scaling the gradient down when its norm exceeds a bound guards against rare huge updates.",
    ),
];

/// The spec's own questions when it declares any, else the default ones its variants answer.
pub fn questions(declared: &[DeclaredQuestion], variants: &[VariantSummary], reference: &str) -> Vec<Question> {
    let mut questions = if declared.is_empty() {
        default_questions(variants, reference)
    } else {
        declared.iter().map(Question::from).collect()
    };
    for question in &mut questions {
        question.shows_overestimation = variants.iter().any(|variant| {
            question.variants.contains(&variant.name) && variant.changes.iter().any(|field| field == "double")
        });
    }
    questions
}

/// The default questions this experiment's variants answer, in the order of `QUESTIONS`; `reference` is never one
/// of the variants of a question.
pub fn default_questions(variants: &[VariantSummary], reference: &str) -> Vec<Question> {
    QUESTIONS
        .iter()
        .filter_map(|(field, title, text)| {
            let answering: Vec<String> = variants
                .iter()
                .filter(|variant| variant.name != reference && tricks_changed(&variant.changes) == [*field])
                .map(|variant| variant.name.clone())
                .collect();
            (!answering.is_empty()).then(|| Question {
                title: title.to_string(),
                text: text.to_string(),
                variants: answering,
                metric: Metric::FinalScore,
                shows_overestimation: false,
            })
        })
        .collect()
}

/// The tricks a set of changed fields switches: each field is its own trick, except the settings of another trick
/// (`noisy_layers`, `noisy_epsilon` and `noise_draws` belong to `exploration`).
fn tricks_changed(changes: &[String]) -> Vec<&str> {
    let mut tricks: Vec<&str> = Vec::new();
    for field in changes {
        let trick = match field.as_str() {
            "noisy_layers" | "noisy_epsilon" | "noise_draws" => "exploration",
            other => other,
        };
        if !tricks.contains(&trick) {
            tricks.push(trick);
        }
    }
    tricks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(name: &str, changes: &[&str]) -> VariantSummary {
        VariantSummary {
            name: name.into(),
            index: 0,
            changes: changes.iter().map(|change| change.to_string()).collect(),
            configs: vec![],
            origin: None,
            normalised_iqm: None,
            profile: vec![],
            median_steps_per_sec: 0.0,
            wall_secs: 0.0,
        }
    }

    #[test]
    fn only_questions_that_show_double_dqn_get_the_overestimation_plot() {
        let variants = [
            variant("vanilla", &[]),
            variant("double", &["double"]),
            variant("dueling", &["dueling"]),
            variant("all", &["double", "dueling"]),
        ];
        let asked = questions(&[], &variants, "vanilla");
        let shown: Vec<(String, bool)> = asked
            .iter()
            .map(|question| (question.variants.join(","), question.shows_overestimation))
            .collect();
        assert!(shown.contains(&("double".to_string(), true)), "{shown:?}");
        assert!(shown.contains(&("dueling".to_string(), false)), "{shown:?}");
        let declared = DeclaredQuestion {
            title: "Everything at once?".into(),
            text: String::new(),
            variants: vec!["all".into()],
            metric: Metric::FinalScore,
        };
        assert!(
            questions(&[declared], &variants, "vanilla")[0].shows_overestimation,
            "a combination with double"
        );
    }

    #[test]
    fn single_field_variants_answer_their_question() {
        let variants = [
            variant("vanilla", &[]),
            variant("double", &["double"]),
            variant("no-target", &["target"]),
            variant("soft", &["target"]),
            variant("all", &["double", "dueling"]),
            // Noisy nets on every layer: the layers are a setting of the exploration trick, not a trick of their own.
            variant("noisy-everywhere", &["exploration", "noisy_layers"]),
            // So are ε on top of the noise and noise drawn once (the Revisiting Rainbow study's two noisy variants).
            variant("dqn-noisy", &["exploration", "noisy_layers", "noisy_epsilon"]),
            variant(
                "dqn-noisy-fixed",
                &["exploration", "noisy_layers", "noisy_epsilon", "noise_draws"],
            ),
        ];
        let found = questions(&[], &variants, "vanilla");
        let titles: Vec<(&str, Vec<String>)> = found.iter().map(|q| (q.title.as_str(), q.variants.clone())).collect();
        assert_eq!(
            titles,
            vec![
                ("Why two networks?", vec!["no-target".to_string(), "soft".to_string()]),
                ("Does double Q-learning fix overestimation?", vec!["double".to_string()]),
                (
                    "Which exploration noise?",
                    vec![
                        "noisy-everywhere".to_string(),
                        "dqn-noisy".to_string(),
                        "dqn-noisy-fixed".to_string()
                    ]
                ),
            ]
        );
        // A spec's own questions replace the defaults.
        let declared = DeclaredQuestion {
            title: "Is everything at once best?".into(),
            text: String::new(),
            variants: vec!["all".into()],
            metric: Metric::Auc,
        };
        let found = questions(&[declared], &variants, "vanilla");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].title.as_str(), found[0].metric),
            ("Is everything at once best?", Metric::Auc)
        );
    }
}
