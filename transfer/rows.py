"""Write many new rows of one model fast: no model instances, one statement per batch.

``bulk_create`` was most of the import's time: for each of the benchmark's 130,000 rows it builds
a model instance (every field, its default, its descriptor) and sends every value through the
field API (``pre_save``, ``get_db_prep_save``...: 2.4 million calls). Here a row is a tuple of the
values the importer already holds, in the order of the columns it names. Values the database
driver takes as they are (strings, numbers, booleans, ``None``, integer foreign keys) go straight
through; only date-times and the like are adapted, as Django would. Columns the importer does
not give get their field's default (``auto_now``: the time of the batch), computed and adapted
once per batch: what ``bulk_create`` would store. A batch is one ``executemany`` on SQLite; on
PostgreSQL it goes into a ``COPY`` (several times faster than ``INSERT``), kept open from one
batch to the next while the import runs (:class:`CopyStream`).
"""

from contextlib import ExitStack, nullcontext
from itertools import repeat

from django.conf import settings
from django.db import connections, router
from django.db.models import AutoField, BigAutoField, SmallAutoField
from django.utils import timezone

# Field types whose Python values (str, int, float, bool, None) every driver takes unchanged.
NATIVE = frozenset(
    [
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    ]
)


def instance_columns(model):
    """The columns an unsaved instance of ``model`` holds the values of (all but the
    ``auto_now`` ones, which are set when the row is written)."""
    return [f.attname for f in model._meta.concrete_fields if not _is_auto_time(f)]


def _is_auto_time(field):
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


class RowWriter:
    """Collect new rows of ``model`` (tuples in the order of ``columns``) and insert them."""

    def __init__(self, model, columns, stream=None):
        self.model = model
        self.columns = tuple(columns)
        self.connection = connections[router.db_for_write(model)]
        self.stream = stream
        fields = {f.attname: f for f in model._meta.concrete_fields}
        given = [fields[name] for name in self.columns]
        # Columns not given: their defaults, except an automatic primary key (the database's).
        self.others = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in self.columns
            and not (f.primary_key and isinstance(f, (AutoField, BigAutoField, SmallAutoField)))
        ]
        self.adapters = [
            (i, adapter) for i, f in enumerate(given) if (adapter := self._adapter(f)) is not None
        ]
        self.sql_columns = ", ".join(
            self.connection.ops.quote_name(f.column) for f in given + self.others
        )
        self.table = self.connection.ops.quote_name(model._meta.db_table)
        self.rows = []

    def __len__(self):
        return len(self.rows)

    def add(self, row):
        """Add a row; return how many are waiting."""
        self.rows.append(row)
        return len(self.rows)

    def add_instance(self, obj):
        """Add an unsaved instance (built for what its methods compute, e.g. its URL)."""
        return self.add(tuple(getattr(obj, name) for name in self.columns))

    def _adapter(self, field):
        """How a given column's value is made ready for the driver (None: as it is)."""
        target = field.target_field if field.is_relation else field
        kind = target.get_internal_type()
        if kind in NATIVE:
            return None
        if kind == "DateTimeField":
            # The importer's times are always aware: the field's checks for naive values
            # (warnings, the default time zone) have nothing to do; the backend's part does.
            return self._datetime_adapter()
        return lambda value: field.get_db_prep_save(value, self.connection)

    def _datetime_adapter(self):
        """The backend's conversion of a date-time; on SQLite (with ``USE_TZ``) an aware one
        becomes text in the connection's time zone here in one line, as Django's does after
        re-reading the settings on each call (a third of a second for 140,000 values)."""
        adapt = self.connection.ops.adapt_datetimefield_value
        if self.connection.vendor != "sqlite" or not settings.USE_TZ:
            return adapt
        zone = self.connection.timezone

        def aware_to_text(value):
            if value is None or value.utcoffset() is None:
                return adapt(value)
            local = value.astimezone(zone)
            offset = local.utcoffset()
            if offset.seconds % 60 or offset.microseconds:
                return str(local.replace(tzinfo=None))
            # "YYYY-MM-DD HH:MM:SS[.ffffff]+HH:MM": the naive time's text (what Django's
            # ``str(value.replace(tzinfo=None))`` makes) is all but the 6-character offset.
            return local.isoformat(" ")[:-6]

        return aware_to_text

    def _defaults(self):
        """The adapted values of the columns not given, as ``bulk_create`` would set them."""
        values = []
        for field in self.others:
            value = timezone.now() if _is_auto_time(field) else field.get_default()
            values.append(field.get_db_prep_save(value, self.connection))
        return tuple(values)

    @staticmethod
    def _copy_texts(values):
        """PostgreSQL: the defaults as the text ``COPY`` reads, each made once per batch, not
        once per row (a JSON column's ``[]`` went through ``json.dumps`` in every row)."""
        from psycopg.adapt import PyFormat, Transformer

        dumper = Transformer().get_dumper
        return tuple(
            None if value is None else bytes(dumper(value, PyFormat.TEXT).dump(value)).decode()
            for value in values
        )

    @staticmethod
    def _sql_literals(values):
        """SQLite: the defaults as SQL literals, stored exactly as the bound values would be
        (NULL, integers, text), or None if one is of another kind. The same in every row of
        the batch, they are written once in the statement: binding them was a third of the
        ``executemany`` of 100,000 comment rows into an in-memory table (a ``None`` or a
        ``bool`` takes the driver's slow adapting path).
        ``%`` is doubled for the cursor's ``%s`` placeholders."""
        literals = []
        for value in values:
            if value is None:
                literals.append("NULL")
            elif isinstance(value, int):  # (bool too: stored as 0 or 1, as when bound)
                literals.append(str(int(value)))
            elif isinstance(value, str) and "\0" not in value:
                literals.append("'" + value.replace("'", "''").replace("%", "%%") + "'")
            else:
                return None
        return literals

    def flush(self):
        """Insert the collected rows (one statement) and forget them."""
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        defaults = self._defaults()
        if self.connection.vendor == "postgresql":
            defaults = self._copy_texts(defaults)
        literals = self._sql_literals(defaults) if self.connection.vendor == "sqlite" else None
        if literals is not None:
            defaults = ()  # written once in the statement, not bound in each row
        if self.adapters or defaults:
            # Column by column: the adapters run over one column each and ``zip`` rebuilds
            # the rows (with the defaults appended) in C, not in a Python loop over each row.
            columns = list(zip(*rows, strict=True))
            for i, adapt in self.adapters:
                columns[i] = map(adapt, columns[i])
            rows = list(zip(*columns, *map(repeat, defaults), strict=False))  # repeat: endless
        if self.connection.vendor == "postgresql":
            self._copy(rows)
            return
        marks = ", ".join(["%s"] * (len(self.columns) + len(defaults)) + (literals or []))
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} ({self.sql_columns}) VALUES ({marks})",  # noqa: S608
                rows,
            )

    def _copy(self, rows):
        """PostgreSQL: the rows go through the import's open COPY, or a COPY of their own."""
        statement = f"COPY {self.table} ({self.sql_columns}) FROM STDIN"
        with nullcontext(self.stream) if self.stream else CopyStream(self.connection) as stream:
            stream.write(statement, rows)


class CopyStream:
    """PostgreSQL: one ``COPY ... FROM STDIN`` kept open from one batch of rows to the next.

    Finishing a COPY waits until the server has stored and indexed every row sent (for the
    benchmark's 100,000 comments, well over a second of index work); after each batch the
    importer would wait for it. Kept open, the server takes the rows in while the importer
    reads the next entries of the file. The COPY is finished when rows of another table come,
    and before any other statement on the connection (an execute wrapper sees every statement
    Django runs), so the importer's own queries (ids, tags, users) run as usual in between.

    A context manager around the import: on leaving it the COPY is finished, or aborted if an
    exception is on its way out (and the transaction rolls back).
    """

    def __init__(self, connection):
        self.connection = connection
        self.statement = None  # the COPY statement open, if any
        self.copy = None
        self._open = ExitStack()  # the cursor and its COPY
        self._around = ExitStack()  # the execute wrapper

    def __enter__(self):
        self._around.enter_context(self.connection.execute_wrapper(self._before_statement))
        return self

    def __exit__(self, *exc_info):
        try:
            self.close(*exc_info)
        finally:
            self._around.close()

    def write(self, statement, rows):
        with self.connection.wrap_database_errors:
            if statement != self.statement:
                self.close()
                cursor = self._open.enter_context(self.connection.cursor())
                self.copy = self._open.enter_context(cursor.copy(statement))
                self.statement = statement
            for row in rows:
                self.copy.write_row(row)

    def close(self, *exc_info):
        """Finish the open COPY (or abort it, given the exception that is on its way)."""
        if self.statement is None:
            return
        self.statement = self.copy = None
        with self.connection.wrap_database_errors:
            self._open.__exit__(*(exc_info or (None, None, None)))

    def _before_statement(self, execute, sql, params, many, context):
        self.close()
        return execute(sql, params, many, context)
