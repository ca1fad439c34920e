"""addrmatch on Spark, for data on a cluster (``pip install 'addrmatch[spark]'``).

* :func:`match_key_udf` and :func:`normalize_udf`: pandas (Arrow) UDFs for
  ``df.select(match_key_udf()("address"))``; a bad address gives NULL.
* :func:`dedupe`: the plain ``addrmatch dedupe`` as a DataFrame
  transformation. It adds ``address_id``, ``match_key``,
  ``canonical_address``, ``canonical_city``, ``canonical_state``,
  ``canonical_zip`` and ``address_error`` (and ``address_tier`` with
  ``partial=True``) to every row.

How the work divides: the address cells of each row are projected and
``GROUP BY``-ed (one shuffle) into the *distinct* spellings; each spelling is
read once, by the library itself, in a pandas UDF on the executors
(``mapInPandas``: map side, no shuffle); the keys are numbered by first
appearance (one small sort over the distinct keys) and joined back to the
rows (one join). The partial tier is three equi-joins over the distinct
addresses, as on DuckDB (:mod:`addrmatch.dedupe_duckdb`). The executors need
addrmatch installed: ship the wheel (``spark-submit --py-files`` or a
``--archives`` environment, see the README).

>>> callable(match_key_udf) and callable(dedupe)
True
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Iterator

try:
    import pandas as pd
    from pyspark.sql import Column, DataFrame, Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as e:  # pragma: no cover - the extra is not installed
    raise ImportError(
        "addrmatch.spark needs PySpark, pandas and pyarrow: pip install 'addrmatch[spark]'"
    ) from e

from addrmatch._spellings import PARTIAL_FIELDS, RESULT_FIELDS, analyse_spellings
from addrmatch.address import BOI_FIELDS
from addrmatch.batch import match_keys, normalize_many
from addrmatch.dedupe import ADDED_COLUMNS, AddressColumns

__all__ = ["NORMALIZED_SCHEMA", "TIER_COLUMN", "dedupe", "match_key_udf", "normalize_udf"]

#: The Spark type of :func:`normalize_udf`: the BOI components.
NORMALIZED_SCHEMA = T.StructType(
    [
        T.StructField(name, T.BooleanType() if name == "postOfficeBox" else T.StringType())
        for name in BOI_FIELDS.values()
    ]
)
#: The column ``dedupe(..., partial=True)`` adds: 'partial' for a row joined by the partial tier.
TIER_COLUMN = "address_tier"
_CELLS = tuple(f"__c{i}" for i in range(6))


def match_key_udf() -> Column:
    """A pandas UDF: text -> :func:`addrmatch.match_key` (NULL for NULL or not an address).

    >>> match_key_udf().__name__
    'addr_match_key'
    """

    @F.pandas_udf(T.StringType())  # type: ignore[call-overload]
    def addr_match_key(texts: pd.Series) -> pd.Series:
        return pd.Series(match_keys(texts, errors="null"), index=texts.index, dtype=object)

    return addr_match_key  # type: ignore[no-any-return]


def normalize_udf() -> Column:
    """A pandas UDF: text -> :func:`addrmatch.normalize` as a struct of the BOI
    components (:data:`NORMALIZED_SCHEMA`; NULL for NULL or not an address).

    >>> normalize_udf().__name__
    'addr_normalize'
    """

    @F.pandas_udf(NORMALIZED_SCHEMA)  # type: ignore[call-overload]
    def addr_normalize(texts: pd.Series) -> pd.DataFrame:
        rows = [None if a is None else a.to_boi() for a in normalize_many(texts, errors="null")]
        frame = pd.DataFrame.from_records(
            [r or dict.fromkeys(BOI_FIELDS.values()) for r in rows], columns=list(BOI_FIELDS.values())
        )
        return frame.astype(object)

    return addr_normalize  # type: ignore[no-any-return]


def _result_schema(partial: bool) -> T.StructType:
    fields = [T.StructField(c, T.StringType()) for c in _CELLS]
    fields += [T.StructField("__first", T.LongType()), T.StructField("__n", T.LongType())]
    fields += [T.StructField(f, T.StringType()) for f in RESULT_FIELDS]
    if partial:
        fields += [
            T.StructField(f, T.BooleanType() if f.startswith("has_") else T.StringType())
            for f in PARTIAL_FIELDS
        ]
    return T.StructType(fields)


def _analyse_frames(
    columns: AddressColumns, partial: bool, frames: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    """mapInPandas: each distinct spelling read by the library, on an executor."""
    names = [*RESULT_FIELDS, *(PARTIAL_FIELDS if partial else ())]
    for frame in frames:
        cells = list(zip(*(frame[c] for c in _CELLS), strict=True))
        results = pd.DataFrame.from_records(analyse_spellings(columns, cells, partial=partial), columns=names)
        kept = frame[[*_CELLS, "__first", "__n"]].reset_index(drop=True)
        yield pd.concat([kept, results.astype(object)], axis=1)


def dedupe(
    df: DataFrame,
    column: str = "address",
    *,
    city: str | None = None,
    state: str | None = None,
    zip: str | None = None,
    unit: str | None = None,
    line2: str | None = None,
    partial: bool = False,
) -> DataFrame:
    """``df`` with ``address_id``, ``match_key`` and the canonical columns added
    (see the module docstring): the same keys and grouping as ``addrmatch dedupe``
    with the same columns. ``column`` holds the street line (or the whole
    address); ``city``, ``state``, ``zip``, ``unit``, ``line2`` name the other
    parts. ``address_id`` numbers the addresses by first appearance in the
    DataFrame's order (``monotonically_increasing_id``: file order for one
    file read in order). ``partial=True``: a row missing its ZIP or suffix
    joins the one full address it fits (``address_tier = 'partial'``).

    >>> import inspect
    >>> list(inspect.signature(dedupe).parameters)[:3]
    ['df', 'column', 'city']
    """
    columns = AddressColumns(column, city=city, state=state, zip=zip, unit=unit, line2=line2)
    clash = [name for name in (*ADDED_COLUMNS, TIER_COLUMN) if name in df.columns]
    if clash:
        raise ValueError(f"the DataFrame already has the column(s) {', '.join(clash)} that dedupe adds")
    missing = [name for name in columns.names() if name is not None and name not in df.columns]
    if missing:
        raise ValueError(f"no column {missing[0]!r} in the DataFrame (it has: {', '.join(df.columns)})")
    cells = [
        F.lit("") if name is None else F.coalesce(F.col(f"`{name}`").cast("string"), F.lit(""))
        for name in columns.names()
    ]
    rows = df.withColumn("__row", F.monotonically_increasing_id())
    rows = rows.select("*", *(cell.alias(name) for cell, name in builtins.zip(cells, _CELLS, strict=True)))
    spellings = rows.groupBy(*_CELLS).agg(F.min("__row").alias("__first"), F.count(F.lit(1)).alias("__n"))
    parsed = spellings.mapInPandas(
        functools.partial(_analyse_frames, columns, partial), schema=_result_schema(partial)
    )
    keyed = parsed.where(F.col("match_key").isNotNull())
    aggregates = [F.min("__first").alias("__first"), F.sum("__n").alias("__rows")]
    if partial:
        aggregates += [F.min_by(f, "__first").alias(f) for f in PARTIAL_FIELDS]
    groups = keyed.groupBy("match_key").agg(*aggregates)
    if partial:
        joins = _partial_joins(groups)
    else:
        joins = groups.sparkSession.createDataFrame([], "pkey string, fkey string")
    final = (
        groups.join(joins, groups["match_key"] == joins["pkey"], "left")
        .select("match_key", "__first", F.coalesce("fkey", "match_key").alias("__target"), F.col("fkey").isNotNull().alias("__joined"))
    )  # fmt: skip
    ids = final.groupBy("__target").agg(F.min("__first").alias("__start"))
    ids = ids.withColumn("address_id", F.row_number().over(Window.orderBy("__start"))).drop("__start")
    added = parsed.join(final.drop("__first"), "match_key", "left").join(ids, "__target", "left")
    tier = [F.when(F.col("__joined"), F.lit("partial")).alias(TIER_COLUMN)] if partial else []
    added = added.select(
        *_CELLS,
        "address_id",
        "match_key",
        "canonical_address",
        "canonical_city",
        "canonical_state",
        "canonical_zip",
        "address_error",
        *tier,
    )
    out = rows.join(added, list(_CELLS), "left")
    return out.orderBy("__row").drop("__row", *_CELLS)


def _partial_joins(groups: DataFrame) -> DataFrame:
    """(pkey, fkey): the partial address and the one full address it fits."""
    full = groups.where(F.col("has_zip") & F.col("has_tag")).select(
        F.col("match_key").alias("fkey"),
        *(F.col(k).alias(f"f_{k}") for k in ("key_no_zip", "key_no_tag", "key_no_zip_tag")),
    )
    part = groups.where(~(F.col("has_zip") & F.col("has_tag")))
    candidates = None
    for key, condition in (
        ("key_no_zip", ~F.col("has_zip") & F.col("has_tag")),
        ("key_no_tag", F.col("has_zip") & ~F.col("has_tag")),
        ("key_no_zip_tag", ~F.col("has_zip") & ~F.col("has_tag")),
    ):
        side = (
            part.where(condition)
            .join(full, part[key] == full[f"f_{key}"])
            .select(F.col("match_key").alias("pkey"), "fkey")
        )
        candidates = side if candidates is None else candidates.unionByName(side)
    assert candidates is not None
    return (
        candidates.distinct()
        .groupBy("pkey")
        .agg(F.count("fkey").alias("__fits"), F.min("fkey").alias("fkey"))
        .where(F.col("__fits") == 1)
        .select("pkey", "fkey")
    )
