from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField


class RhythmForm(FlaskForm):
    """The rhythm of the rounds; `purchasing.rounds.rhythm.read_cron` checks it."""

    cron = StringField(_l("Rhythm (cron: minute hour day month weekday)"))


class CutoffForm(FlaskForm):
    """This round's cut-off, in Europe/Paris; `purchasing.rounds.rounds.read_cutoff` checks it."""

    cutoff_at = StringField(_l("Cut-off of this round"))
