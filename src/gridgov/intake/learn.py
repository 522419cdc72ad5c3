"""Training and evaluating the classifier (scikit-learn): the gridgov model and the baseline it is
measured against, labelled files, the platform's own examples, cross-validation, and storing a
trained version. See :mod:`gridgov.intake.classify` for how a stored model is used at intake.
"""
import csv
import hashlib
import io
from collections import Counter, defaultdict
from dataclasses import dataclass

import joblib
import numpy as np
from django.db import transaction
from django.db.models import Max
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SelectPercentile, chi2
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .classify import KEYWORD_WEIGHT, Catalogue
from .models import ClassifierModel
from .text import normalise, text_of, title_of

MAX_FEATURES = 50_000  # per feature family; bounds the stored model's size
MIN_SAMPLES = 10
# Gains below are macro-F1 of the whole model against the same model without that part, mean of
# six shuffles of 5-fold cross-validation on 494 and on 300 real complaints (docs/intake.md).
#
# An n-gram must occur in this many training texts to become a feature. On a few hundred real
# complaints most character trigrams occur once (a place, a name, a typo); the SVM fits them and
# they never recur (+0.023 at 494 messages, +0.023 at 300).
MIN_DF = 2
# The title is the complaint in a few words; the details wander. The title's characters get a
# block of their own, at the same weight as the whole text (+0.012 / +0.018; a heavier title
# weight, 1.3, or title trigrams did no better).
TITLE_WEIGHT = 1.0
# Of the n-grams left, the SVM sees only this share: those whose counts differ most between the
# categories (chi-squared). With a few dozen examples per category the rest is mostly noise
# (+0.014 / +0.036; keeping half did about as well at 494, worse at 300).
KEEP_PERCENT = 25
BASELINE_NAME = "baseline (char 1-3 TF-IDF + LinearSVC)"
MODEL_NAME = ("gridgov model (char 1-3 + title char 1-2 TF-IDF, min_df 2, chi2 25%, balanced calibrated "
              "LinearSVC, catalogue keywords)")

# -- models ---------------------------------------------------------------------------------
TEMPERATURES = (1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0, 30.0)
CALIBRATION_FOLDS = 3


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


class SoftmaxSVC(ClassifierMixin, BaseEstimator):
    """A linear SVM whose decision values become probabilities through a softmax with one
    temperature, chosen to minimise the log-loss of cross-validated decision values (temperature
    scaling). The SVM's answers are unchanged; only their confidence is calibrated, which is what
    the self-routing threshold compares against. Classes with fewer examples than the calibration
    folds take part in the SVM but not in choosing the temperature."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def _svm(self):
        # Balanced class weights: a category with few examples is not drowned by a common one
        # (a platform's categories are never equally frequent; +0.005 / +0.016 on real messages).
        return LinearSVC(C=self.C, class_weight="balanced", random_state=0)

    @staticmethod
    def _scores(svm, x) -> np.ndarray:
        scores = svm.decision_function(x)
        return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores

    def fit(self, x, y):
        y = np.asarray(y)
        self.svm_ = self._svm().fit(x, y)
        self.classes_ = self.svm_.classes_
        self.temperature_ = 5.0
        labels, counts = np.unique(y, return_counts=True)
        common = np.isin(y, labels[counts >= CALIBRATION_FOLDS])
        if len(labels[counts >= CALIBRATION_FOLDS]) >= 2:
            xc, yc = x[np.flatnonzero(common)], y[common]
            scores = None
            for train, test in StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=0).split(yc, yc):
                svm = self._svm().fit(xc[train], yc[train])
                part = self._scores(svm, xc[test])
                if scores is None:
                    scores, classes = np.zeros((len(yc), part.shape[1])), svm.classes_
                scores[test] = part
            truth = np.searchsorted(classes, yc)
            losses = [-np.log(_softmax(t * scores)[np.arange(len(yc)), truth] + 1e-12).mean() for t in TEMPERATURES]
            self.temperature_ = TEMPERATURES[int(np.argmin(losses))]
        return self

    def decision_function(self, x):
        return self._scores(self.svm_, x)

    def predict_proba(self, x):
        return _softmax(self.temperature_ * self.decision_function(x))

    def predict(self, x):
        return self.classes_[np.argmax(self.decision_function(x), axis=1)]


def baseline_pipeline() -> Pipeline:
    """The baseline to beat: character 1–3-gram TF-IDF and a linear SVM, out of the box."""
    return Pipeline([("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3))),
                     ("svm", LinearSVC(random_state=0))])


def model_pipeline() -> Pipeline:
    """The gridgov model: sublinear TF-IDF of the text's character 1–3-grams and of its title's
    character 1–2-grams (the title block weighted :data:`TITLE_WEIGHT`), each keeping only n-grams
    found in :data:`MIN_DF` or more training texts; the :data:`KEEP_PERCENT` most category-bound
    of those (chi-squared); a class-balanced linear SVM with temperature-scaled probabilities.
    Words from jieba are left out: added at weight 0.5 they gained +0.008 / +0.001 macro-F1 on
    real complaints, inside the spread of the shuffles, for a segmentation at every prediction
    (docs/intake.md)."""
    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char", preprocessor=normalise, ngram_range=(1, 3), sublinear_tf=True,
                                  min_df=MIN_DF, max_features=MAX_FEATURES)),
        ("title", TfidfVectorizer(analyzer="char", preprocessor=title_of, ngram_range=(1, 2), sublinear_tf=True,
                                  min_df=MIN_DF, max_features=MAX_FEATURES)),
    ], transformer_weights={"chars": 1.0, "title": TITLE_WEIGHT})
    return Pipeline([("features", features), ("select", SelectPercentile(chi2, percentile=KEEP_PERCENT)),
                     ("model", SoftmaxSVC())])


# -- training and evaluation ------------------------------------------------------------------
def read_labelled(source, text_columns: list[str], label_column: str) -> tuple[list[str], list[str]]:
    """Texts and labels from a CSV file (UTF-8, with or without BOM, or GB18030 as Excel in China
    saves it). Several text columns are joined; rows without text or label are skipped."""
    raw = source.read() if hasattr(source, "read") else open(source, "rb").read()
    if isinstance(raw, str):
        content = raw
    else:
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            content = raw.decode("gb18030")
    reader = csv.DictReader(io.StringIO(content))
    missing = [c for c in [*text_columns, label_column] if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"column(s) {', '.join(missing)} not in the file; "
                         f"it has: {', '.join(reader.fieldnames or [])}")
    texts, labels = [], []
    for row in reader:
        text = "\n".join((row[c] or "").strip() for c in text_columns if (row[c] or "").strip())
        label = (row[label_column] or "").strip()
        if text and label:
            texts.append(text)
            labels.append(label)
    return texts, labels


def platform_examples(district_code: str | None = None) -> tuple[list[str], list[str]]:
    """Closed cases under their final category, and every dispatcher's correction (a correction
    stands for its case when the case has closed too)."""
    from gridgov.cases.models import Case, Status

    from .models import TrainingExample

    texts, labels, corrected = [], [], set()
    examples = TrainingExample.objects.filter(category__active=True)
    if district_code:
        examples = examples.filter(case__district_code=district_code)
    for case_id, text, code in examples.values_list("case_id", "text", "category__code"):
        texts.append(text)
        labels.append(code)
        corrected.add(case_id)
    cases = Case.objects.filter(status=Status.CLOSED, category__active=True)
    if district_code:
        cases = cases.filter(district_code=district_code)
    for pk, title, description, code in cases.values_list("pk", "title", "description", "category__code"):
        if pk not in corrected:
            texts.append(text_of(title, description))
            labels.append(code)
    return texts, labels


def _usable(texts, labels, folds: int):
    """Leave out labels with fewer examples than folds (stratified K-fold needs one per fold)."""
    counts = Counter(labels)
    rare = sorted(label for label, n in counts.items() if n < folds)
    keep = [i for i, label in enumerate(labels) if counts[label] >= folds]
    return [texts[i] for i in keep], [labels[i] for i in keep], rare


@dataclass
class Evaluation:
    folds: int
    n_samples: int
    n_labels: int
    left_out: list
    baseline: dict
    model: dict

    def lines(self) -> list[str]:
        lines = [f"stratified {self.folds}-fold cross-validation on {self.n_samples} samples, {self.n_labels} labels"]
        if self.left_out:
            lines.append(f"left out (fewer than {self.folds} samples): {', '.join(map(str, self.left_out))}")
        for name, figures in ((BASELINE_NAME, self.baseline), (MODEL_NAME, self.model)):
            lines.append(f"{name}: accuracy {figures['accuracy']:.3f}, macro-F1 {figures['macro_f1']:.3f}")
        return lines

    def as_dict(self) -> dict:
        return {"folds": self.folds, "n_samples": self.n_samples, "n_labels": self.n_labels,
                "left_out": self.left_out, "baseline": self.baseline, "model": self.model}


def _predict_blended(pipeline, texts, catalogue: Catalogue, label_codes: dict) -> list:
    """The classifier's answer per text, as at intake: model probabilities blended with the
    keyword shares (normalised over the whole catalogue, as :func:`suggest` does). Only the labels
    are candidates here; a label that matches no category gets no keyword share."""
    classes = list(pipeline.classes_)
    answers = []
    for text, row in zip(texts, pipeline.predict_proba(texts)):
        scores = catalogue.keyword_scores(text)
        total = sum(scores.values())
        if total:
            shares = np.array([scores.get(label_codes.get(label), 0.0) for label in classes]) / total
            row = (1 - KEYWORD_WEIGHT) * row + KEYWORD_WEIGHT * shares
        answers.append(classes[int(np.argmax(row))])
    return answers


def evaluate(texts: list[str], labels: list[str], folds: int = 5) -> Evaluation:
    """Accuracy and macro-F1 of the baseline and of the gridgov model, averaged over stratified
    K folds (shuffled with a fixed seed, so a run is repeatable)."""
    if folds < 2:
        raise ValueError("use at least 2 folds")
    texts, labels, rare = _usable(texts, labels, folds)
    if len(set(labels)) < 2:
        raise ValueError(f"need at least two labels with {folds} or more samples each")
    catalogue = Catalogue.load()
    label_codes = {label: (c.code if c else None) for label, c in catalogue.resolve(set(labels)).items()}
    y = np.array(labels, dtype=object)
    x = np.array(texts, dtype=object)
    results = {"baseline": defaultdict(list), "model": defaultdict(list)}
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(x, y):
        baseline = baseline_pipeline().fit(list(x[train]), y[train])
        model = model_pipeline().fit(list(x[train]), y[train])
        for name, predicted in (("baseline", baseline.predict(list(x[test]))),
                                ("model", _predict_blended(model, list(x[test]), catalogue, label_codes))):
            results[name]["accuracy"].append(accuracy_score(y[test], predicted))
            results[name]["macro_f1"].append(f1_score(y[test], predicted, average="macro", zero_division=0))
    figures = {name: {metric: round(float(np.mean(values)), 4) for metric, values in result.items()}
               for name, result in results.items()}
    return Evaluation(folds, len(texts), len(set(labels)), rare, figures["baseline"], figures["model"])


def train(texts: list[str], labels: list[str], *, source: str, folds: int = 3, activate: bool = True,
          created_by=None) -> ClassifierModel:
    """Fit the gridgov model on all the examples and store it as the next version (active unless
    ``activate`` is False). With ``folds`` ≥ 2, the cross-validated figures of both models are kept
    in ``metrics`` (labels with fewer examples are left out of that measurement only)."""
    if len(texts) != len(labels):
        raise ValueError("as many labels as texts, please")
    if len(texts) < MIN_SAMPLES or len(set(labels)) < 2:
        raise ValueError(f"need at least {MIN_SAMPLES} examples of at least two categories; got {len(texts)} "
                         f"of {len(set(labels))}")
    catalogue = Catalogue.load()
    resolved = catalogue.resolve(set(labels))
    labels = [resolved[label].code if resolved[label] else label for label in labels]
    unmatched = sorted({label for label, category in resolved.items() if category is None})
    metrics = {"classes": len(set(labels)), "unmatched_labels": unmatched}
    if folds >= 2:
        try:
            metrics["cross_validation"] = evaluate(texts, labels, folds).as_dict()
        except ValueError as error:
            metrics["cross_validation"] = {"skipped": str(error)}
    pipeline = model_pipeline().fit(texts, labels)
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    blob = buffer.getvalue()
    with transaction.atomic():
        if activate:
            ClassifierModel.objects.select_for_update().filter(active=True).update(active=False)
        version = (ClassifierModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        return ClassifierModel.objects.create(
            version=version, source=source[:200], n_samples=len(texts), labels=sorted(set(labels)), metrics=metrics,
            digest=hashlib.sha256(blob).hexdigest(), blob=blob, active=activate)


