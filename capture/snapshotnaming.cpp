// SPDX-License-Identifier: MIT
#include "snapshotnaming.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

QString snapshotFileName(const QDateTime& when, qint64 pid, int sequence, QStringView extension) {
    return u"Heap."_s + when.toString(u"yyyyMMdd.HHmmss"_s) + u'.' + QString::number(pid) + u".0."_s +
           QStringLiteral("%1").arg(sequence, 3, 10, QLatin1Char('0')) + u'.' + extension;
}

QString nextSnapshotPath(const QString& folder, qint64 pid, QStringView extension, const QDateTime& when) {
    const QDir dir(folder);
    const QRegularExpression own(u"^Heap\\.\\d{8}\\.\\d{6}\\.%1\\.\\d+\\.(\\d+)\\."_s.arg(pid));
    int sequence = 0;
    for (const QString& name : dir.entryList(QDir::Files | QDir::Hidden)) {
        const auto match = own.match(name);
        if (match.hasMatch())
            sequence = std::max(sequence, match.captured(1).toInt());
    }
    QString path;
    do {
        path = dir.filePath(snapshotFileName(when, pid, ++sequence, extension));
    } while (QFileInfo::exists(path));
    return path;
}

bool isSnapshotFileName(const QString& fileName) {
    QStringView name(fileName);
    if (name.endsWith(u".gz"))
        name.chop(3);
    return name.endsWith(u".heapsnapshot") || name.endsWith(u".heaptimeline");
}

} // namespace heapscope::capture
