"""Apache Spark as the analytics engine (KASASU_ANALYTICS_ENGINE=spark, ``kasasu[spark]``).

The operational facts (small) go to Spark as temporary views straight from Arrow; usage
events are read where they live, as Parquet (KASASU_ANALYTICS_EVENTS: a file, a directory
or a glob). With a warehouse export (KASASU_ANALYTICS_WAREHOUSE, ``kasasu export parquet``)
both the facts and the events are read from its Parquet files instead: nothing is copied
from the operational database, so the daily features run on the cluster from the export.
One Spark session per master serves the whole process: starting one takes 5–8 s, so it is
started on first use and kept.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from kasasu.analytics._compat import CACHED_PREFIX
from kasasu.errors import Unavailable
from kasasu.kit.i18n import _
from kasasu.models.base import Base
from kasasu.warehouse.facts import COLUMNS
from kasasu.warehouse.layout import EVENTS_TABLE, PARTITION, table_location, table_schema

EVENTS_VIEW = "usage_events"
_SESSIONS: dict[str, Any] = {}
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def spark_session(master: str) -> Any:
    """The process's Spark session for ``master`` (e.g. ``local[2]``), started on first use."""
    if master in _SESSIONS:
        return _SESSIONS[master]
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise Unavailable(
            _("The Spark engine needs PySpark: pip install 'kasasu[spark]' (and Java 17)")
        ) from exc
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # read when the JVM starts
    work = Path(tempfile.mkdtemp(prefix="kasasu-spark-"))
    (work / "log4j2.properties").write_text(_LOG4J, encoding="utf-8")
    java = f"-Dlog4j.configurationFile=file:{work / 'log4j2.properties'} -Duser.timezone=UTC"
    builder = (
        SparkSession.builder.master(master)
        .appName("kasasu")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", java)
        .config("spark.sql.warehouse.dir", str(work / "warehouse"))
        # Without Arrow, PySpark converts through pandas and silently turns integer columns
        # with a null into nulls and null strings into 'NaN'.
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.pyspark.fallback.enabled", "false")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    _SESSIONS[master] = session
    return session


def spark_backend(facts: dict[str, pa.Table], events: Path | None, master: str) -> Any:
    """An Ibis PySpark connection with ``facts`` as views and the Parquet ``events``."""
    import ibis

    spark = spark_session(master)
    for name, table in facts.items():
        spark.createDataFrame(table).createOrReplaceTempView(name)
    spark.catalog.dropTempView(EVENTS_VIEW)
    if events is not None:
        spark.read.parquet(str(events)).createOrReplaceTempView(EVENTS_VIEW)
    return ibis.pyspark.connect(spark)


def warehouse_backend(root: str, master: str, models: Sequence[type[Base]]) -> Any:
    """An Ibis PySpark connection over a warehouse export (``kasasu export parquet``): the
    facts' columns of each of ``models`` and the usage events, as views of its Parquet
    files, read where they lie (on a cluster: storage every executor reaches)."""
    import ibis
    from pyspark.errors import AnalysisException
    from pyspark.sql.pandas.types import from_arrow_schema

    spark = spark_session(master)
    for model in models:
        name, location = model.__tablename__, table_location(root, model.__tablename__)
        try:
            # Its schema given, not inferred: a table without rows yet has no file to infer from.
            schema = table_schema(Base.metadata.tables[name])
            frame = spark.read.schema(from_arrow_schema(schema))
            frame = frame.parquet(location).select(*COLUMNS[model])
        except AnalysisException as exc:
            raise Unavailable(
                _(
                    "The warehouse export {path} has no table {name}: write it with "
                    "kasasu export parquet",
                    path=root,
                    name=name,
                )
            ) from exc
        frame.createOrReplaceTempView(name)
    spark.catalog.dropTempView(EVENTS_VIEW)
    try:
        events = spark.read.parquet(table_location(root, EVENTS_TABLE)).drop(PARTITION)
    except AnalysisException:  # no events exported (none stored): no usage events
        pass
    else:
        events.createOrReplaceTempView(EVENTS_VIEW)
    return ibis.pyspark.connect(spark)


def has_events(backend: Any) -> bool:
    return bool(backend._session.catalog.tableExists(EVENTS_VIEW))


def release(backend: Any, names: list[str]) -> None:
    """Drop this request's views, and the results it cached (which drops them from Spark's
    memory too); the session itself stays for the next one."""
    catalog = backend._session.catalog
    cached = [t.name for t in catalog.listTables() if t.name.startswith(CACHED_PREFIX)]
    for name in [*names, EVENTS_VIEW, *cached]:
        catalog.dropTempView(name)
