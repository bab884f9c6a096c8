"""Customer events: webinars, seminars, user meetings and trainings (issue 20, part 4)."""
