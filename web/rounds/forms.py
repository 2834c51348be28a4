from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField


class RhythmForm(FlaskForm):
    """The rhythm of the rounds; `purchasing.rounds.rhythm.read_cron` checks it."""

    cron = StringField(_l("Rhythm (cron: minute hour day month weekday)"))


class CutoffForm(FlaskForm):
    """This round's cut-off, in Europe/Paris; `purchasing.rounds.rounds.read_cutoff` checks it."""

    cutoff_at = StringField(_l("Cut-off of this round"))


class TransportForm(FlaskForm):
    """How transport CO2 is counted; `purchasing.rounds.transport_settings` checks it."""

    co2_kg_per_km = StringField(_l("Emission factor (kg CO2e per km driven)"))
    co2_dataset = StringField(_l("Dataset"))
    co2_version = StringField(_l("Version of the dataset"))
    co2_line = StringField(_l("Line or identifier in the dataset"))
    road_detour = StringField(_l("Road-detour coefficient (road km per km as the crow flies)"))
    road_detour_source = StringField(_l("Source of the coefficient"))
