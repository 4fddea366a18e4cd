// SPDX-License-Identifier: MIT
#include "retainerspane.h"

#include "jobs/backgroundjob.h"
#include "models/modelroles.h"
#include "models/retainersmodel.h"
#include "navigator.h"
#include "snapshotsession.h"
#include "textutil.h"

#include "widgets/viewsetup.h"
#include <heapscope/format.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

RetainersPane::RetainersPane(Navigator* navigator, QWidget* parent)
    : QWidget(parent), m_navigator(navigator), m_model(new RetainersModel(this)),
      m_ignoreJob(new BackgroundJob(this)) {
    setObjectName(u"retainersPane"_s);
    m_title = new QLabel(tr("<b>Retainers</b>"), this);
    m_weak = new QCheckBox(tr("Show weak retainers"), this);
    m_weak->setObjectName(u"showWeakRetainers"_s);
    m_weak->setToolTip(tr("Weak edges do not keep an object alive; DevTools hides them"));
    m_restore = new QPushButton(tr("Restore Ignored Retainers"), this);
    m_restore->setEnabled(false);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->addWidget(m_title);
    bar->addStretch();
    bar->addWidget(m_weak);
    bar->addWidget(m_restore);

    m_view = new QTreeView(this);
    m_view->setObjectName(u"retainersView"_s);
    ViewSetup::setupTreeView(m_view, m_model, navigator, [this](QMenu* menu, const QModelIndex& index) {
        const ObjectRef object = m_model->objectAt(index);
        if (!object.isValid() || !index.parent().isValid())
            return; // the selected object itself cannot be ignored
        menu->addSeparator();
        if (m_model->isIgnored(object.node))
            menu->addAction(tr("Stop Ignoring This Retainer"), this,
                            [this, object] { stopIgnoring(object.node); });
        else
            menu->addAction(tr("Ignore This Retainer"), this,
                            [this, object] { ignoreRetainer(object.node); });
    });

    m_empty = new QLabel(tr("Select an object to see what keeps it alive: the chain of references from "
                            "the GC roots that stops it from being collected."),
                         this);
    m_empty->setObjectName(u"retainersEmpty"_s);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(12);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_empty, 1);
    m_view->hide();

    connect(m_weak, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setShowWeak(on);
        expandFirstChain();
    });
    connect(m_restore, &QPushButton::clicked, this, &RetainersPane::restoreIgnored);
}

void RetainersPane::setObject(const ObjectRef& object) {
    if (object == m_model->object())
        return;
    // The ignored retainers belong to the snapshot: a computation still running stays wanted.
    if (m_session && object.isValid())
        m_model->setObject(object, m_session->ignoredRetainers(object.analysis.get()));
    else
        m_model->setObject(object);
    m_restore->setEnabled(!m_model->ignored().empty());
    m_title->setText(
        object.isValid()
            ? tr("<b>Retainers</b> of %1 %2")
                  .arg(TextUtil::toQString(heapscope::format::nodeLabel(*object.analysis, object.node))
                           .toHtmlEscaped()
                           .left(200),
                       TextUtil::idText(*object.analysis, object.node))
            : tr("<b>Retainers</b>"));
    m_view->setVisible(object.isValid());
    m_empty->setVisible(!object.isValid());
    expandFirstChain();
    Q_EMIT objectChanged(object);
}

ObjectRef RetainersPane::object() const {
    return m_model->object();
}

ObjectRef RetainersPane::currentObject() const {
    const ObjectRef selected = m_model->objectAt(m_view->currentIndex());
    return selected.isValid() ? selected : m_model->object();
}

void RetainersPane::expandFirstChain() {
    QModelIndex idx = m_model->index(0, 0);
    if (!idx.isValid())
        return;
    m_view->expand(idx);
    for (int level = 1; level < 20; ++level) {
        const QModelIndex child = m_model->index(0, 0, idx);
        if (!child.isValid() || m_model->isMoreRow(child))
            break;
        const std::int32_t d = m_model->distanceAt(child);
        if (d <= 1 || d >= heapscope::kBaseUnreachableDistance || m_model->isCycle(child))
            break;
        m_view->expand(child);
        idx = child;
    }
}

void RetainersPane::ignoreRetainer(heapscope::NodeOrdinal node) {
    auto nodes = m_model->ignored();
    nodes.insert(node);
    applyIgnored(std::move(nodes));
}

void RetainersPane::stopIgnoring(heapscope::NodeOrdinal node) {
    auto nodes = m_model->ignored();
    nodes.erase(node);
    applyIgnored(std::move(nodes));
}

void RetainersPane::restoreIgnored() {
    applyIgnored({});
}

void RetainersPane::setSession(SnapshotSession* session) {
    m_session = session;
    connect(session, &SnapshotSession::ignoredRetainersChanged, this,
            [this](const heapscope::Analysis* analysis) {
                if (m_model->analysis().get() == analysis)
                    showIgnored(m_session->ignoredRetainers(analysis));
            });
}

void RetainersPane::applyIgnored(std::set<heapscope::NodeOrdinal> nodes) {
    const heapscope::AnalysisPtr analysis = m_model->analysis();
    if (!analysis)
        return;
    if (nodes.empty()) {
        m_ignoreJob->cancel();
        storeIgnored(analysis, {});
        return;
    }
    // A BFS over the whole graph: run it on the pool; a newer change replaces it.
    const std::vector<heapscope::NodeOrdinal> list(nodes.begin(), nodes.end());
    m_ignoreJob->start(
        [analysis, list](JobContext& job) -> std::shared_ptr<const heapscope::RetainerDistances> {
            auto distances = heapscope::computeRetainerDistances(*analysis, list, job.work());
            if (!distances)
                return nullptr; // cancelled: the job drops the result
            return std::make_shared<const heapscope::RetainerDistances>(std::move(*distances));
        },
        [this, analysis, nodes](std::shared_ptr<const heapscope::RetainerDistances> distances) {
            if (distances)
                storeIgnored(analysis, {nodes, std::move(distances)});
        });
}

void RetainersPane::storeIgnored(const heapscope::AnalysisPtr& analysis, IgnoredRetainers ignored) {
    if (m_session) {
        m_session->setIgnoredRetainers(analysis.get(), std::move(ignored)); // comes back to showIgnored()
        return;
    }
    if (m_model->analysis() == analysis)
        showIgnored(ignored);
}

void RetainersPane::showIgnored(const IgnoredRetainers& ignored) {
    m_model->setIgnored(ignored.nodes, ignored.distances);
    m_restore->setEnabled(!ignored.empty());
    expandFirstChain();
    Q_EMIT ignoredChanged();
}
