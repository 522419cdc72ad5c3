"""Progress of a long command on stderr: a bar on a terminal, otherwise a line every tenth (so that
a log shows it too)."""
from tqdm import tqdm


class Progress:
    def __init__(self, stream, total: int, label: str, unit: str):
        self.stream, self.total, self.label, self.shown = stream, total, label, -1
        self.bar = tqdm(total=total, desc=label, unit=unit, file=stream, leave=False) if stream.isatty() else None

    def __call__(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
            return
        tenth = done * 10 // self.total if self.total else 10
        if tenth != self.shown:
            self.shown = tenth
            self.stream.write(f"{self.label}: {done}/{self.total} ({tenth * 10}%)\n")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
