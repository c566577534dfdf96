"""The blog actor's key pair, made on first need and kept in the database."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from federation.models import ActorKey


def generate():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


def blog_key():
    """The one ``ActorKey`` (pk 1); two processes making it at once keep the first."""
    key = ActorKey.objects.filter(pk=1).first()
    if key is not None:
        return key
    private_pem, public_pem = generate()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(
                pk=1, private_key_pem=private_pem, public_key_pem=public_pem
            )
    except IntegrityError:
        return ActorKey.objects.get(pk=1)


def load_private(pem):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def load_public(pem):
    return serialization.load_pem_public_key(pem.encode())
