// SPDX-License-Identifier: MIT
// Writing exported files: atomically, and saying why when it fails.
#pragma once

#include <QByteArray>
#include <QString>

class QWidget;

namespace ExportUtil {

/// Writes `data` to a temporary file next to `path` and renames it over `path`, so a failure (no
/// permission, disk full) leaves no partial file and the previous file as it was. On failure,
/// `error` receives the reason.
bool saveAtomically(const QString& path, const QByteArray& data, QString* error = nullptr);

/// saveAtomically(), with a message box naming the file and the reason when it fails.
bool save(QWidget* parent, const QString& path, const QByteArray& data);

/// The directory export dialogs start in (the last one used), and remembering it.
QString lastDirectory();
void setLastDirectory(const QString& filePath);

} // namespace ExportUtil
