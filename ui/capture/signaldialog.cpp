// SPDX-License-Identifier: MIT
#include "signaldialog.h"

#include <signalcapture.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using heapscope::capture::ProcessInfo;
using heapscope::capture::ProcessLister;
using heapscope::capture::SignalCapture;

namespace heapscope::captureui {

SignalDialog::SignalDialog(QWidget* parent)
    : QDialog(parent), m_filter(new QLineEdit(this)),
      m_onlyPrepared(new QCheckBox(tr("Only processes started with --&heapsnapshot-signal"), this)),
      m_processes(new QTreeWidget(this)), m_signal(new QComboBox(this)),
      m_sendButton(new QPushButton(tr("&Send Signal"), this)),
      m_refreshButton(new QPushButton(tr("&Refresh"), this)), m_progress(new QProgressBar(this)),
      m_cancelButton(new QPushButton(tr("Stop Waiting"), this)), m_status(new QLabel(this)),
      m_lister(new ProcessLister(this)), m_capture(new SignalCapture(this)) {
    setWindowTitle(tr("Send Signal to Process"));
    resize(720, 460);

    m_filter->setPlaceholderText(tr("Filter by pid or command line"));
    m_filter->setClearButtonEnabled(true);
    m_onlyPrepared->setChecked(true);
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_onlyPrepared);
    filterRow->addWidget(m_refreshButton);

    m_processes->setHeaderLabels({tr("PID"), tr("Signal"), tr("Command Line")});
    m_processes->setRootIsDecorated(false);
    m_processes->setAllColumnsShowFocus(true);
    m_processes->setSortingEnabled(false);
    m_processes->header()->setStretchLastSection(true);

    m_signal->addItems(capture::snapshotSignalNames());
    auto* sendRow = new QHBoxLayout;
    auto* signalLabel = new QLabel(tr("Si&gnal:"), this);
    signalLabel->setBuddy(m_signal);
    sendRow->addWidget(signalLabel);
    sendRow->addWidget(m_signal);
    sendRow->addWidget(m_sendButton);
    sendRow->addStretch(1);

    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancelButton);
    m_progress->setRange(0, 0);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filterRow);
    layout->addWidget(m_processes, 1);
    layout->addLayout(sendRow);
    layout->addLayout(progressRow);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_filter, &QLineEdit::textChanged, this, &SignalDialog::fillList);
    connect(m_onlyPrepared, &QCheckBox::toggled, this, &SignalDialog::fillList);
    connect(m_refreshButton, &QPushButton::clicked, this, &SignalDialog::refresh);
    connect(m_sendButton, &QPushButton::clicked, this, &SignalDialog::send);
    connect(m_processes, &QTreeWidget::itemDoubleClicked, this, &SignalDialog::send);
    connect(m_processes, &QTreeWidget::currentItemChanged, this, [this] {
        const ProcessInfo* process = selectedProcess();
        if (process && !process->snapshotSignal.isEmpty()) {
            const QString name = capture::signalName(capture::signalNumber(process->snapshotSignal));
            if (m_signal->findText(name) < 0)
                m_signal->addItem(name);
            m_signal->setCurrentText(name);
        }
        m_sendButton->setEnabled(process && !m_waitingPid);
    });
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        m_capture->cancel();
        setWaiting(false);
        setStatus(tr("Stopped waiting. The process may still write its snapshot."));
    });

    connect(m_lister, &ProcessLister::listed, this, [this](const QList<ProcessInfo>& processes) {
        m_all = processes;
        m_refreshButton->setEnabled(true);
        fillList();
    });
    connect(m_capture, &SignalCapture::fileAppeared, this, [this](const QString& path) {
        setStatus(tr("Process %1 is writing %2…").arg(m_waitingPid).arg(QDir::toNativeSeparators(path)));
    });
    connect(m_capture, &SignalCapture::finished, this, [this](const QString& path) {
        const qint64 pid = m_waitingPid;
        setWaiting(false);
        setStatus(tr("Process %1 wrote %2").arg(pid).arg(QDir::toNativeSeparators(path)));
        Q_EMIT snapshotReady(path, u"pid:"_s + QString::number(pid));
    });
    connect(m_capture, &SignalCapture::failed, this, [this](const QString& message) {
        setWaiting(false);
        setStatus(message, true);
    });
    setWaiting(false);
}

SignalDialog::~SignalDialog() = default;

void SignalDialog::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    refresh();
}

void SignalDialog::refresh() {
    m_refreshButton->setEnabled(false);
    m_lister->refresh();
}

void SignalDialog::fillList() {
    const qint64 current = selectedProcess() ? selectedProcess()->pid : 0;
    const QString filter = m_filter->text().trimmed();
    m_shown.clear();
    m_processes->clear();
    for (const ProcessInfo& process : std::as_const(m_all)) {
        if (m_onlyPrepared->isChecked() && process.snapshotSignal.isEmpty())
            continue;
        if (!filter.isEmpty() && !QString::number(process.pid).startsWith(filter) &&
            !process.commandLine().contains(filter, Qt::CaseInsensitive))
            continue;
        m_shown.append(process);
        auto* item = new QTreeWidgetItem(
            m_processes, {QString::number(process.pid), process.snapshotSignal, process.commandLine()});
        item->setToolTip(2,
                         process.commandLine() + u"\n\n"_s +
                             tr("Snapshots go to: %1").arg(QDir::toNativeSeparators(process.snapshotFolder)));
        if (process.pid == current)
            m_processes->setCurrentItem(item);
    }
    m_processes->resizeColumnToContents(0);
    m_processes->resizeColumnToContents(1);
    if (m_shown.isEmpty())
        setStatus(m_onlyPrepared->isChecked()
                      ? tr("No process of yours was started with --heapsnapshot-signal. Start Node with, for "
                           "example, node --heapsnapshot-signal=SIGUSR2 app.js.")
                      : tr("No process matches."));
    else if (!m_waitingPid)
        setStatus({});
    m_sendButton->setEnabled(selectedProcess() && !m_waitingPid);
}

const ProcessInfo* SignalDialog::selectedProcess() const {
    const QTreeWidgetItem* item = m_processes->currentItem();
    const int row = item ? m_processes->indexOfTopLevelItem(const_cast<QTreeWidgetItem*>(item)) : -1;
    return row >= 0 && row < m_shown.size() ? &m_shown[row] : nullptr;
}

void SignalDialog::send() {
    const ProcessInfo* process = selectedProcess();
    if (!process || m_waitingPid)
        return;
    const int signal = capture::signalNumber(m_signal->currentText());
    if (signal == 0) {
        setStatus(tr("“%1” is not a signal.").arg(m_signal->currentText()), true);
        return;
    }
    // Without --heapsnapshot-signal, SIGUSR2 and most others end a Node process.
    const bool expected =
        !process->snapshotSignal.isEmpty() && capture::signalNumber(process->snapshotSignal) == signal;
    if (!expected) {
        const auto answer = QMessageBox::warning(
            this, tr("Send Signal"),
            tr("Process %1 was not started with --heapsnapshot-signal=%2. The signal will most likely end it "
               "instead of writing a snapshot.")
                .arg(process->pid)
                .arg(capture::signalName(signal)),
            QMessageBox::Cancel | QMessageBox::Ignore, QMessageBox::Cancel);
        if (answer != QMessageBox::Ignore)
            return;
    }
    m_waitingPid = process->pid;
    setWaiting(true);
    setStatus(tr("Sent %1; waiting for the snapshot in %2…")
                  .arg(capture::signalName(signal), QDir::toNativeSeparators(process->snapshotFolder)));
    m_capture->start(process->pid, signal);
}

void SignalDialog::setWaiting(bool waiting) {
    if (!waiting)
        m_waitingPid = 0;
    m_progress->setVisible(waiting);
    m_cancelButton->setVisible(waiting);
    m_sendButton->setEnabled(!waiting && selectedProcess());
}

void SignalDialog::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    QPalette palette = this->palette();
    if (error)
        palette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    m_status->setPalette(palette);
}

} // namespace heapscope::captureui
