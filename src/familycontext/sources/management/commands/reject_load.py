"""familycontext reject-load LOAD_ID — discard a held load; the live snapshot stays as it is."""

from django.core.management.base import BaseCommand, CommandError

from familycontext.sources.errors import BundleError
from familycontext.sources.loader import reject_held_load
from familycontext.sources.models import Load


class Command(BaseCommand):
    help = "Reject a held load: its snapshot is deleted and the live snapshot stays live."

    def add_arguments(self, parser):
        parser.add_argument("load_id", type=int)

    def handle(self, *args, load_id: int, **options):
        try:
            load = reject_held_load(Load.objects.get(pk=load_id), by="command line")
        except Load.DoesNotExist:
            raise CommandError(f"there is no load {load_id}") from None
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(load.message)
