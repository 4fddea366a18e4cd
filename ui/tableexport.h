// SPDX-License-Identifier: MIT
// File › Export Table: what a tree view shows, as CSV, JSON or Markdown.
#pragma once

#include <QByteArray>
#include <QString>

class QTreeView;

namespace TableExport {

enum class Format { Csv, Json, Markdown };

/// The rows the view shows, in its order (filtering and sorting as they are), with the children of
/// expanded rows only, and each row's depth; hidden columns are left out, "More…" rows too.
/// CSV and JSON take exact numbers from the models' sort role where a column has one (bytes, counts,
/// distances), Markdown the text as displayed.
QByteArray exportView(const QTreeView* view, Format format);

/// Name filters for a save dialog, and the format a chosen filter (or else the file's suffix) means.
QString fileFilters();
Format formatFor(const QString& selectedFilter, const QString& path);
QString suffix(Format format);

} // namespace TableExport
