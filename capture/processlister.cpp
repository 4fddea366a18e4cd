// SPDX-License-Identifier: MIT
#include "processlister.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QThreadPool>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

namespace {

QList<QByteArray> readNulSeparated(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray data = file.readAll();
    if (data.endsWith('\0'))
        data.chop(1);
    return data.isEmpty() ? QList<QByteArray>{} : data.split('\0');
}

/// Node's options as given on the command line and in NODE_OPTIONS (split on spaces like Node).
QStringList nodeOptions(const QStringList& arguments, const QList<QByteArray>& environment) {
    QStringList options = arguments.mid(1);
    for (const QByteArray& variable : environment) {
        if (variable.startsWith("NODE_OPTIONS="))
            options += QString::fromLocal8Bit(variable.mid(13)).split(u' ', Qt::SkipEmptyParts);
    }
    return options;
}

QString optionValue(const QStringList& options, QStringView name) {
    for (qsizetype i = 0; i < options.size(); ++i) {
        const QString& option = options[i];
        if (option.startsWith(name) && option.size() > name.size() && option.at(name.size()) == u'=')
            return option.mid(name.size() + 1);
        if (option == name && i + 1 < options.size())
            return options[i + 1];
        if (option == u"--"_s)
            break; // the script's own arguments follow
    }
    return {};
}

const std::pair<const char*, int> kSignals[] = {
    {"SIGUSR1", SIGUSR1}, {"SIGUSR2", SIGUSR2}, {"SIGHUP", SIGHUP},     {"SIGINT", SIGINT},
    {"SIGQUIT", SIGQUIT}, {"SIGTERM", SIGTERM}, {"SIGWINCH", SIGWINCH}, {"SIGPWR", SIGPWR},
    {"SIGTTIN", SIGTTIN}, {"SIGTTOU", SIGTTOU}, {"SIGCONT", SIGCONT},   {"SIGURG", SIGURG},
};

} // namespace

int signalNumber(const QString& text) {
    bool numeric = false;
    const int number = text.toInt(&numeric);
    if (numeric)
        return number > 0 && number < 65 ? number : 0;
    QString name = text.trimmed().toUpper();
    if (!name.startsWith(u"SIG"_s))
        name.prepend(u"SIG"_s);
    for (const auto& [signalText, value] : kSignals)
        if (name == QLatin1StringView(signalText))
            return value;
    return 0;
}

QString signalName(int number) {
    for (const auto& [signalText, value] : kSignals)
        if (value == number)
            return QString::fromLatin1(signalText);
    return QString::number(number);
}

QStringList snapshotSignalNames() {
    return {u"SIGUSR2"_s, u"SIGUSR1"_s, u"SIGHUP"_s, u"SIGWINCH"_s, u"SIGPWR"_s, u"SIGTTIN"_s, u"SIGTTOU"_s};
}

ProcessInfo processInfo(qint64 pid) {
    ProcessInfo info;
    const QString base = u"/proc/"_s + QString::number(pid);
    const QList<QByteArray> argv = readNulSeparated(base + u"/cmdline"_s);
    if (argv.isEmpty())
        return info;
    info.pid = pid;
    for (const QByteArray& argument : argv)
        info.arguments << QString::fromLocal8Bit(argument);
    info.workingDirectory = QFileInfo(base + u"/cwd"_s).symLinkTarget();
    const QStringList options = nodeOptions(info.arguments, readNulSeparated(base + u"/environ"_s));
    info.snapshotSignal = optionValue(options, u"--heapsnapshot-signal");
    QString folder = optionValue(options, u"--diagnostic-dir");
    if (!folder.isEmpty() && QDir::isRelativePath(folder) && !info.workingDirectory.isEmpty())
        folder = QDir(info.workingDirectory).filePath(folder);
    info.snapshotFolder = folder.isEmpty() ? info.workingDirectory : QDir::cleanPath(folder);
    return info;
}

QList<ProcessInfo> listProcesses() {
    QList<ProcessInfo> processes;
    const uint uid = ::getuid();
    const QFileInfoList entries = QDir(u"/proc"_s).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo& entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.fileName().toLongLong(&numeric);
        // Only processes this user may signal.
        if (!numeric || pid == QCoreApplication::applicationPid() || entry.ownerId() != uid)
            continue;
        ProcessInfo info = processInfo(pid);
        if (info.pid != 0)
            processes.append(info);
    }
    std::sort(processes.begin(), processes.end(),
              [](const ProcessInfo& a, const ProcessInfo& b) { return a.pid < b.pid; });
    return processes;
}

void ProcessLister::refresh() {
    QPointer<ProcessLister> self(this);
    QThreadPool::globalInstance()->start([self] {
        QList<ProcessInfo> processes = listProcesses();
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, processes = std::move(processes)] {
                if (self)
                    Q_EMIT self->listed(processes);
            },
            Qt::QueuedConnection);
    });
}

} // namespace heapscope::capture
