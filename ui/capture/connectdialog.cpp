// SPDX-License-Identifier: MIT
#include "connectdialog.h"

#include "capturesettings.h"

#include <inspectorsession.h>
#include <snapshotnaming.h>
#include <targetlister.h>

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using heapscope::capture::InspectorAddress;
using heapscope::capture::InspectorSession;
using heapscope::capture::InspectorTarget;
using heapscope::capture::TargetLister;

namespace heapscope::captureui {

ConnectDialog::ConnectDialog(QWidget* parent)
    : QDialog(parent), m_address(new QLineEdit(lastAddress(), this)),
      m_listButton(new QPushButton(tr("&List Targets"), this)), m_targets(new QTreeWidget(this)),
      m_folder(new QLineEdit(snapshotFolder(), this)),
      m_snapshotButton(new QPushButton(tr("Take &Heap Snapshot"), this)),
      m_gcButton(new QPushButton(tr("Collect &Garbage"), this)),
      m_timelineButton(new QPushButton(tr("Start Allocation &Timeline"), this)),
      m_samplingButton(new QPushButton(tr("Start Allocation &Sampling"), this)),
      m_progress(new QProgressBar(this)), m_cancelButton(new QPushButton(tr("Cancel"), this)),
      m_status(new QLabel(this)), m_lister(new TargetLister(this)), m_session(new InspectorSession(this)) {
    setWindowTitle(tr("Connect to Process"));
    resize(640, 460);

    m_address->setPlaceholderText(u"127.0.0.1:9229"_s);
    m_address->setToolTip(
        tr("Where the process’s inspector listens: node --inspect (default 127.0.0.1:9229) or "
           "Chrome/Edge started with --remote-debugging-port."));
    auto* addressRow = new QHBoxLayout;
    addressRow->addWidget(m_address, 1);
    addressRow->addWidget(m_listButton);

    m_targets->setHeaderLabels({tr("Target"), tr("Type"), tr("URL")});
    m_targets->setRootIsDecorated(false);
    m_targets->setAllColumnsShowFocus(true);
    m_targets->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_targets->header()->setStretchLastSection(false);

    auto* browse = new QPushButton(tr("&Browse…"), this);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);

    auto* addressLabel = new QLabel(tr("&Address:"), this);
    addressLabel->setBuddy(m_address);
    auto* folderLabel = new QLabel(tr("Save &in:"), this);
    folderLabel->setBuddy(m_folder);
    auto* form = new QFormLayout;
    form->addRow(addressLabel, addressRow);
    form->addRow(folderLabel, folderRow);

    auto* actionsRow = new QHBoxLayout;
    actionsRow->addWidget(m_snapshotButton);
    actionsRow->addWidget(m_gcButton);
    actionsRow->addWidget(m_timelineButton);
    actionsRow->addWidget(m_samplingButton);
    actionsRow->addStretch(1);

    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancelButton);
    m_progress->setVisible(false);
    m_cancelButton->setVisible(false);

    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_targets, 1);
    layout->addLayout(actionsRow);
    layout->addLayout(progressRow);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_listButton, &QPushButton::clicked, this, &ConnectDialog::listTargets);
    connect(m_address, &QLineEdit::returnPressed, this, &ConnectDialog::listTargets);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = chooseFolder(this, tr("Save Snapshots In"), m_folder->text());
        if (!folder.isEmpty())
            m_folder->setText(folder);
    });
    connect(m_targets, &QTreeWidget::itemSelectionChanged, this, &ConnectDialog::updateButtons);
    connect(m_snapshotButton, &QPushButton::clicked, this, [this] { request(Action::Snapshot); });
    connect(m_gcButton, &QPushButton::clicked, this, [this] { request(Action::CollectGarbage); });
    connect(m_timelineButton, &QPushButton::clicked, this, [this] { request(Action::ToggleTimeline); });
    m_samplingButton->setToolTip(
        tr("Record a sampling heap profile (DevTools’ Allocation sampling): which functions "
           "allocate the memory that stays alive, at little cost to the program"));
    connect(m_samplingButton, &QPushButton::clicked, this, [this] { request(Action::ToggleSampling); });
    connect(m_cancelButton, &QPushButton::clicked, m_session, &InspectorSession::cancel);

    connect(m_lister, &TargetLister::listed, this, [this](const QList<InspectorTarget>& targets) {
        m_targetList = targets;
        m_targets->clear();
        for (const InspectorTarget& target : targets) {
            auto* item = new QTreeWidgetItem(
                m_targets, {target.title.isEmpty() ? target.id : target.title, target.type, target.url});
            item->setToolTip(0, target.description.isEmpty() ? target.id : target.description);
            if (target.webSocketDebuggerUrl.isEmpty()) {
                item->setDisabled(true);
                item->setToolTip(0, tr("Another debugger is attached to this target."));
            }
        }
        if (m_targets->topLevelItemCount() > 0)
            m_targets->setCurrentItem(m_targets->topLevelItem(0));
        setStatus(targets.isEmpty() ? tr("The inspector lists no targets.")
                                    : tr("%n target(s). The snapshot is written to the folder above.",
                                         nullptr, int(targets.size())));
        setLastAddress(m_address->text().trimmed());
        updateButtons();
    });
    connect(m_lister, &TargetLister::failed, this, [this](const QString& message) {
        m_targetList.clear();
        m_targets->clear();
        setStatus(message, true);
        updateButtons();
    });

    connect(m_session, &InspectorSession::opened, this, [this] {
        const Action action = std::exchange(m_pending, Action::None);
        run(action);
    });
    connect(m_session, &InspectorSession::busyChanged, this, &ConnectDialog::updateButtons);
    connect(m_session, &InspectorSession::trackingChanged, this, [this](bool tracking) {
        m_timelineButton->setText(tracking ? tr("Stop Allocation &Timeline")
                                           : tr("Start Allocation &Timeline"));
        if (tracking)
            setStatus(tr("Recording allocations. Exercise the program, then stop the timeline to write it."));
        updateButtons();
    });
    connect(m_session, &InspectorSession::samplingChanged, this, [this](bool sampling) {
        m_samplingButton->setText(sampling ? tr("Stop Allocation &Sampling")
                                           : tr("Start Allocation &Sampling"));
        if (sampling)
            setStatus(
                tr("Sampling allocations. Exercise the program, then stop sampling to write the profile."));
        updateButtons();
    });
    connect(m_session, &InspectorSession::progress, this, [this](qint64 done, qint64 total) {
        if (total > 0 && done < total) {
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(done * 1000 / total));
            setStatus(tr("Taking the heap snapshot…"));
        } else {
            m_progress->setRange(0, 0); // the file streams in; its size is not known in advance
            setStatus(tr("Writing the file…"));
        }
    });
    connect(m_session, &InspectorSession::garbageCollected, this,
            [this] { setStatus(tr("Garbage collected.")); });
    connect(m_session, &InspectorSession::finished, this, [this](const QString& path) {
        setStatus(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
        Q_EMIT snapshotReady(path, seriesKey());
    });
    connect(m_session, &InspectorSession::cancelled, this,
            [this] { setStatus(tr("Cancelled; no file was written.")); });
    connect(m_session, &InspectorSession::failed, this, [this](const QString& message) {
        m_pending = Action::None;
        setStatus(message, true);
        updateButtons();
    });
    connect(m_session, &InspectorSession::closed, this, &ConnectDialog::updateButtons);
    updateButtons();
}

ConnectDialog::~ConnectDialog() = default;

void ConnectDialog::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    if (!m_listedOnce) {
        m_listedOnce = true;
        listTargets();
    }
}

void ConnectDialog::listTargets() {
    QString error;
    const auto address = InspectorAddress::parse(m_address->text(), &error);
    if (!address) {
        setStatus(error, true);
        return;
    }
    setStatus(tr("Asking %1 for its targets…").arg(address->toString()));
    m_lister->list(*address);
}

const InspectorTarget* ConnectDialog::selectedTarget() const {
    const QTreeWidgetItem* item = m_targets->currentItem();
    const int row = item ? m_targets->indexOfTopLevelItem(const_cast<QTreeWidgetItem*>(item)) : -1;
    return row >= 0 && row < m_targetList.size() ? &m_targetList[row] : nullptr;
}

QString ConnectDialog::seriesKey() const {
    return u"inspector:"_s + m_sessionAddress + u'/' + m_session->target().id;
}

bool ConnectDialog::prepareFolder(QString* folder) {
    *folder = m_folder->text().trimmed();
    if (folder->isEmpty() || !QFileInfo(*folder).isDir() || !QFileInfo(*folder).isWritable()) {
        setStatus(tr("Choose a folder you can write to for the snapshot."), true);
        return false;
    }
    setSnapshotFolder(*folder);
    return true;
}

void ConnectDialog::request(Action action) {
    const InspectorTarget* target = selectedTarget();
    if (!target || m_session->isBusy())
        return;
    // (allocation sampling neither stops the target nor needs much memory: no warning for it)
    const bool writesFile =
        action == Action::Snapshot || (action == Action::ToggleTimeline && !m_session->isTracking());
    if (writesFile && !confirmFirstCapture(this))
        return;
    // One session per target, kept open: V8 keeps object ids only while it stays connected, and the
    // Comparison of two snapshots matches objects by id.
    if (m_session->isOpen() && m_session->target().id == target->id &&
        m_session->target().webSocketDebuggerUrl == target->webSocketDebuggerUrl) {
        run(action);
        return;
    }
    m_pending = action;
    m_sessionAddress = InspectorAddress::parse(m_address->text()).value_or(InspectorAddress{}).toString();
    setStatus(tr("Connecting to %1…").arg(target->displayName()));
    m_session->open(*target);
    updateButtons();
}

void ConnectDialog::run(Action action) {
    QString folder;
    switch (action) {
    case Action::None:
        break;
    case Action::Snapshot:
        if (!prepareFolder(&folder))
            break;
        m_progress->setRange(0, 0);
        setStatus(tr("Taking the heap snapshot…"));
        m_session->takeHeapSnapshot(capture::nextSnapshotPath(folder, m_session->target().pid));
        break;
    case Action::CollectGarbage:
        setStatus(tr("Collecting garbage…"));
        m_session->collectGarbage();
        break;
    case Action::ToggleTimeline:
        if (!m_session->isTracking()) {
            setStatus(tr("Starting the allocation timeline…"));
            m_session->startAllocationTimeline();
        } else if (prepareFolder(&folder)) {
            m_progress->setRange(0, 0);
            setStatus(tr("Writing the allocation timeline…"));
            m_session->stopAllocationTimeline(
                capture::nextSnapshotPath(folder, m_session->target().pid, capture::kTimelineExtension));
        }
        break;
    case Action::ToggleSampling:
        if (!m_session->isSampling()) {
            setStatus(tr("Starting allocation sampling…"));
            m_session->startSampling();
        } else if (prepareFolder(&folder)) {
            m_progress->setRange(0, 0);
            setStatus(tr("Writing the sampling heap profile…"));
            m_session->stopSampling(
                capture::nextSnapshotPath(folder, m_session->target().pid, u"heapprofile"));
        }
        break;
    }
    updateButtons();
}

void ConnectDialog::updateButtons() {
    const bool busy = m_session->isBusy() || m_pending != Action::None;
    const InspectorTarget* target = selectedTarget();
    const bool usable = target && !target->webSocketDebuggerUrl.isEmpty() && !busy;
    m_snapshotButton->setEnabled(usable && !m_session->isTracking());
    m_gcButton->setEnabled(usable);
    m_timelineButton->setEnabled(usable);
    m_samplingButton->setEnabled(usable);
    m_listButton->setEnabled(!busy);
    m_address->setEnabled(!busy && !m_session->isTracking() && !m_session->isSampling());
    m_targets->setEnabled(!busy && !m_session->isTracking() && !m_session->isSampling());
    const bool writing = m_session->isBusy();
    m_progress->setVisible(writing);
    m_cancelButton->setVisible(writing);
}

void ConnectDialog::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    QPalette palette = this->palette();
    if (error)
        palette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    m_status->setPalette(palette);
}

} // namespace heapscope::captureui
