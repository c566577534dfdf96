import os

from django.core.wsgi import get_wsgi_application

from blogsite.production import refuse_unsafe_production

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogsite.settings")
application = get_wsgi_application()
refuse_unsafe_production()
