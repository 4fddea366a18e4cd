// SPDX-License-Identifier: MIT
// File names like the ones Node writes itself, so captured files sort and read the same way.
#pragma once

#include <QDateTime>
#include <QString>

namespace heapscope::capture {

inline constexpr QStringView kSnapshotExtension = u"heapsnapshot";
inline constexpr QStringView kTimelineExtension = u"heaptimeline";

/// "Heap.20261121.081530.12345.0.001.heapsnapshot": date, time, pid, thread, sequence.
QString snapshotFileName(const QDateTime& when, qint64 pid, int sequence,
                         QStringView extension = kSnapshotExtension);

/// A new path in `folder` for a snapshot of `pid`: the sequence continues after the highest one
/// already there for that pid, and the name never replaces an existing file.
QString nextSnapshotPath(const QString& folder, qint64 pid, QStringView extension = kSnapshotExtension,
                         const QDateTime& when = QDateTime::currentDateTime());

/// True for the names Heapscope opens: .heapsnapshot and .heaptimeline, optionally .gz.
bool isSnapshotFileName(const QString& fileName);

} // namespace heapscope::capture
