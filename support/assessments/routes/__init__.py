"""Assessment routes: the quiz pages (``pages``), the JSON API (``api``), certificates, the learner's progress and managers' tracking."""
