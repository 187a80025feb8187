from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "familycontext.synth"
    label = "synth"
