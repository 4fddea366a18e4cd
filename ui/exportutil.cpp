// SPDX-License-Identifier: MIT
#include "exportutil.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace ExportUtil {

bool saveAtomically(const QString& path, const QByteArray& data, QString* error) {
    QSaveFile file(path);
    // Never fall back to writing the target in place: that is what leaves partial files.
    file.setDirectWriteFallback(false);
    auto fail = [&] {
        if (error)
            *error = file.errorString();
        file.cancelWriting();
        return false;
    };
    // Unbuffered: a failing write reports the system's reason ("No space left on device") at once.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return fail();
    // A short write is retried: the retry that writes nothing is the one that reports why.
    for (qint64 done = 0; done < data.size();) {
        const qint64 n = file.write(data.constData() + done, data.size() - done);
        if (n <= 0)
            return fail();
        done += n;
    }
    // commit() flushes the buffer, syncs and renames; a full disk shows up here.
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

bool save(QWidget* parent, const QString& path, const QByteArray& data) {
    QString error;
    if (saveAtomically(path, data, &error))
        return true;
    QMessageBox box(
        QMessageBox::Warning, QCoreApplication::translate("ExportUtil", "Export Failed"),
        QCoreApplication::translate("ExportUtil", "Could not write %1.").arg(QDir::toNativeSeparators(path)),
        QMessageBox::Ok, parent);
    box.setObjectName(u"exportFailedMessage"_s);
    box.setInformativeText(
        QCoreApplication::translate("ExportUtil", "%1\n\nThe previous file, if there was one, is unchanged.")
            .arg(error));
    box.exec();
    return false;
}

QString lastDirectory() {
    return QSettings().value(u"lastExportDirectory"_s, QDir::homePath()).toString();
}

void setLastDirectory(const QString& filePath) {
    QSettings().setValue(u"lastExportDirectory"_s, QFileInfo(filePath).absolutePath());
}

} // namespace ExportUtil
