"""``gridgov classifier``: train, evaluate, list and activate the category classifier.

    gridgov classifier train                      # from closed cases and dispatchers' corrections
    gridgov classifier train --csv FILE --text-column COL --label-column COL
    gridgov classifier evaluate --csv FILE --text-column COL --label-column COL --folds 5
    gridgov classifier list
    gridgov classifier activate VERSION

Labels may be category codes, names or plain names of the catalogue; labels that match no single
active leaf category are still learned but never suggested. ``--text-column`` may be given more
than once (e.g. title and description), the columns are joined.
"""
from django.core.management.base import BaseCommand, CommandError

from gridgov.intake import classify, learn
from gridgov.intake.models import ClassifierModel


class Command(BaseCommand):
    help = "Train, evaluate, list and activate the category classifier."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{train,evaluate,list,activate}")
        for name, text in (("train", "Train a new version and make it active."),
                           ("evaluate", "Cross-validate the gridgov model against the baseline.")):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("--csv", help="A labelled CSV file (UTF-8 or GB18030). Without it: the platform's data.")
            sub.add_argument("--text-column", action="append", dest="text_columns",
                             help="The column(s) holding the text; repeat to join several.")
            sub.add_argument("--label-column", help="The column holding the category.")
            sub.add_argument("--district", help="Only this district's cases (without --csv).")
            sub.add_argument("--folds", type=int, default=5 if name == "evaluate" else 3,
                             help="Stratified folds (train: for the stored metrics; 0 skips them).")
            if name == "train":
                sub.add_argument("--no-activate", action="store_true", help="Store the version without using it.")
        actions.add_parser("list", help="List the stored versions.")
        activate = actions.add_parser("activate", help="Make a stored version the active one.")
        activate.add_argument("version", type=int)

    def handle(self, *args, action, **options):
        try:
            return getattr(self, f"do_{action}")(**options)
        except (ValueError, OSError) as error:
            raise CommandError(str(error))

    def _examples(self, csv=None, text_columns=None, label_column=None, district=None, **_options):
        if csv:
            if not text_columns or not label_column:
                raise CommandError("with --csv, give --text-column and --label-column")
            texts, labels = learn.read_labelled(csv, text_columns, label_column)
            return texts, labels, f"csv:{csv}"
        texts, labels = learn.platform_examples(district)
        return texts, labels, f"cases:{district}" if district else "cases"

    def do_train(self, folds, no_activate, **options):
        texts, labels, source = self._examples(**options)
        model = learn.train(texts, labels, source=source, folds=folds, activate=not no_activate)
        self.stdout.write(f"version {model.version} trained on {model.n_samples} samples ({source}), "
                          f"{model.metrics['classes']} classes{'' if model.active else ', not active'}")
        if model.metrics.get("unmatched_labels"):
            self.stdout.write("labels matching no category (learned, never suggested): "
                              + ", ".join(model.metrics["unmatched_labels"]))
        figures = model.metrics.get("cross_validation", {})
        if "model" in figures:
            for name, key in ((learn.BASELINE_NAME, "baseline"), (learn.MODEL_NAME, "model")):
                self.stdout.write(f"{name}: accuracy {figures[key]['accuracy']:.3f}, "
                                  f"macro-F1 {figures[key]['macro_f1']:.3f}")
        elif figures.get("skipped"):
            self.stdout.write(f"cross-validation skipped: {figures['skipped']}")

    def do_evaluate(self, folds, **options):
        texts, labels, _source = self._examples(**options)
        for line in learn.evaluate(texts, labels, folds).lines():
            self.stdout.write(line)

    def do_list(self, **_options):
        for model in ClassifierModel.objects.order_by("version"):
            figures = model.metrics.get("cross_validation", {}).get("model")
            score = f" macro-F1 {figures['macro_f1']:.3f}" if figures else ""
            self.stdout.write(f"{'*' if model.active else ' '} v{model.version} {model.created:%Y-%m-%d %H:%M} "
                              f"{model.source} n={model.n_samples}{score}")

    def do_activate(self, version, **_options):
        try:
            model = classify.activate(version)
        except ClassifierModel.DoesNotExist:
            raise CommandError(f"there is no version {version}")
        self.stdout.write(f"version {model.version} is active")
