"""Static files: the hashed manifest in production, a clean fallback without it."""
import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ManifestOrPlainStorage(CompressedManifestStaticFilesStorage):
    """collectstatic's hashed, compressed files when its manifest exists (production). Without the
    manifest (`manage.py runserver` without DEBUG=1 on a developer's machine) every page used to
    answer 500; now the plain names are used, with one warning in the log."""

    warned = False

    def stored_name(self, name):
        if not self.hashed_files:
            if not ManifestOrPlainStorage.warned:
                ManifestOrPlainStorage.warned = True
                logger.warning("Chưa có %s (chưa chạy collectstatic): dùng tệp tĩnh không băm. "
                               "Máy chủ thật phải chạy collectstatic (docs/deployment.md).", self.manifest_name)
            return name
        return super().stored_name(name)
