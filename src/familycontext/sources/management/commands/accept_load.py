"""familycontext accept-load LOAD_ID — publish a load held because its record count dropped."""

from django.core.management.base import BaseCommand, CommandError

from familycontext.sources.errors import BundleError
from familycontext.sources.loader import accept_held_load
from familycontext.sources.models import Load


class Command(BaseCommand):
    help = "Accept a held load: its snapshot becomes live."

    def add_arguments(self, parser):
        parser.add_argument("load_id", type=int)

    def handle(self, *args, load_id: int, **options):
        try:
            load = accept_held_load(Load.objects.get(pk=load_id))
        except Load.DoesNotExist:
            raise CommandError(f"there is no load {load_id}") from None
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(load.message)
