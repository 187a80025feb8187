"""Score candidate pairs on Apache Spark: the same Splink model as DuckDB, on a cluster.

Only the heavy step moves: blocking and scoring every candidate pair. Standardising records,
training (on samples) and forming people stay in DuckDB in this process (the Spark driver),
so the trained parameters are the ones DuckDB would use and Spark gives the same people
(docs/scale.md). Spark needs Java 17+ and the optional ``pyspark`` package
(``pip install 'familycontext[spark]'``); nothing is downloaded at run time: no JARs, no
``--packages``, and no Python UDFs, so executors need no Python packages either.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
import warnings
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from familycontext.linkage import model

# pyspark warns on import that it "does not yet fully support pandas >= 3.0.0" (the runtime lock
# has pandas 3). This engine hands records to Spark and back as Arrow only (createDataFrame of a
# pyarrow Table, toArrow), never through pandas, and tests/linkage/test_spark_engine.py checks
# its clusters equal DuckDB's; so that one warning is noise here (docs/scale.md).
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)

log = logging.getLogger(__name__)

_LOCAL = re.compile(r"^local(\[(\d+|\*)(,\s*\d+)?\])?$")


class SparkUnavailable(RuntimeError):
    """Spark could not be used here; the message says what to install or change."""


@dataclass(frozen=True)
class SparkOptions:
    """Where and how Spark runs; built from ``[linkage]`` spark_* keys (docs/scale.md).

    ``master`` empty means "whatever launched us decides" (spark-submit's ``--master``, or
    spark-defaults.conf). ``checkpoint_dir`` empty keeps intermediate tables in executor
    memory and disk (``persist``); on a cluster, a shared directory (HDFS, S3, NFS) there
    makes long jobs restartable and lighter on memory.
    """

    master: str = "local[2]"
    driver_memory: str = "4g"
    executor_memory: str = ""
    shuffle_partitions: int = 16
    checkpoint_dir: str = ""
    conf: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, section: Any) -> SparkOptions:
        """From the configuration's ``[linkage]`` section (``familycontext.config``)."""
        return cls(
            master=section.spark_master,
            driver_memory=section.spark_driver_memory,
            executor_memory=section.spark_executor_memory,
            shuffle_partitions=section.spark_shuffle_partitions,
            checkpoint_dir=section.spark_checkpoint_dir,
            conf=dict(section.spark_conf),
        )

    def spark_conf(self) -> dict[str, str]:
        """The Spark configuration these options stand for (``conf`` entries win)."""
        conf = {
            "spark.app.name": "familycontext-linkage",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": str(self.shuffle_partitions),
            "spark.sql.session.timeZone": "UTC",
        }
        if self.master:
            conf["spark.master"] = self.master
        if _LOCAL.match(self.master):
            # Local mode: nothing listens beyond this machine, and no reverse DNS look-up.
            conf["spark.driver.host"] = "127.0.0.1"
            conf["spark.driver.bindAddress"] = "127.0.0.1"
        if self.driver_memory:
            conf["spark.driver.memory"] = self.driver_memory
        if self.executor_memory:
            conf["spark.executor.memory"] = self.executor_memory
        return conf | dict(self.conf)


def session(options: SparkOptions) -> Any:
    """The process's SparkSession, started with ``options`` if none is running yet.

    Spark allows one session per process, so a second call reuses the first (its master and
    memory cannot change without restarting the process).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(
            "linkage engine 'spark' needs the pyspark package: "
            "pip install 'familycontext[spark]' (and Java 17 or later)"
        ) from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder
    for key, value in options.spark_conf().items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - Java missing or misconfigured: say so plainly
        raise SparkUnavailable(
            f"Spark could not start ({type(exc).__name__}: {str(exc).strip()[:300]}). "
            "It needs Java 17 or later on the PATH or in JAVA_HOME (check `java -version`), "
            "and a reachable [linkage] spark_master."
        ) from exc
    spark.sparkContext.setLogLevel("ERROR")
    if options.checkpoint_dir:
        spark.sparkContext.setCheckpointDir(options.checkpoint_dir)
    return spark


def _distributed(spark: Any, table: pa.Table, options: SparkOptions) -> tuple[Any, str]:
    """The records as a Spark table spread over the executors, not rows inside the query plan.

    A DataFrame made from local data is a "local relation": Spark copies the rows into every
    plan built on it and its optimiser re-evaluates projections over them on the driver, one
    thread, for each of Splink's steps (minutes at 60,000 records). So the records are written
    once: to the checkpoint directory as Parquet when there is one (a cluster), else
    checkpointed in the executors' block stores. Returns the table and the Parquet path ("").
    """
    frame = spark.createDataFrame(table).repartition(max(1, options.shuffle_partitions))
    if options.checkpoint_dir:
        path = f"{options.checkpoint_dir.rstrip('/')}/familycontext-records-{uuid.uuid4().hex}"
        frame.write.parquet(path)
        return spark.read.parquet(path), path
    return frame.localCheckpoint(eager=True), ""


def _delete(spark: Any, path: str) -> None:
    """Remove a directory we wrote, on whatever file system it is (HDFS, S3, local)."""
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(
        hadoop_path, True
    )


def predict(
    table: pa.Table,
    parameters: dict[str, Any],
    *,
    lower: float,
    columns: list[str],
    options: SparkOptions,
) -> tuple[pa.Table, dict[str, float]]:
    """Score every candidate pair of ``table`` on Spark with trained ``parameters``.

    ``parameters`` is a trained model as Splink saves it (from DuckDB); it is rewritten into
    Spark's SQL dialect level by level (``model.with_parameters``), so the weights are
    exactly those trained. Returns the pairs at or above ``lower`` with ``columns``, as Arrow,
    and the seconds spent starting Spark and scoring.
    """
    from splink import Linker
    from splink.backends.spark import SparkAPI

    started = time.perf_counter()
    spark = session(options)
    timings = {"spark_start": time.perf_counter() - started}
    mark = time.perf_counter()
    db_api = SparkAPI(
        spark_session=spark,
        break_lineage_method="parquet" if options.checkpoint_dir else "persist",
        num_partitions_on_repartition=max(1, options.shuffle_partitions),
        register_udfs_automatically=False,  # the model needs none (sql_dialects)
    )
    distributed, written = _distributed(spark, table, options)
    records = db_api.register(distributed)  # a generated name: runs never clash
    try:
        settings = model.with_parameters(parameters, "spark") | {
            "retain_intermediate_calculation_columns": True,
            "retain_matching_columns": True,
            "additional_columns_to_retain": ["source", "rid"],
        }
        linker = Linker(records, settings, log_level=None)
        scored = linker.inference.predict(threshold_match_probability=lower, warning_mode="never")
        result = spark.sql(
            f"SELECT {', '.join(columns)} FROM {scored.physical_name}"  # noqa: S608 - ours
        ).toArrow()
    finally:
        db_api.delete_tables_created_by_splink_from_db()
        spark.catalog.dropTempView(records.physical_name)
        spark.catalog.clearCache()
        if written:
            _delete(spark, written)
    timings["spark_predict"] = time.perf_counter() - mark
    return result, timings
