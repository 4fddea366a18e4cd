// SPDX-License-Identifier: MIT
#include "retainerspane.h"

#include "models/modelroles.h"
#include "models/retainersmodel.h"
#include "navigator.h"
#include "textutil.h"

#include "widgets/viewsetup.h"
#include <heapscope/format.h>

#include <QCheckBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

RetainersPane::RetainersPane(Navigator* navigator, QWidget* parent)
    : QWidget(parent), m_navigator(navigator), m_model(new RetainersModel(this)) {
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
    ++m_ignoreGeneration; // an ignore computation for the previous object is stale
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

void RetainersPane::ignoreRetainer(std::uint32_t node) {
    auto nodes = m_model->ignored();
    nodes.insert(node);
    applyIgnored(std::move(nodes));
}

void RetainersPane::stopIgnoring(std::uint32_t node) {
    auto nodes = m_model->ignored();
    nodes.erase(node);
    applyIgnored(std::move(nodes));
}

void RetainersPane::restoreIgnored() {
    applyIgnored({});
}

void RetainersPane::applyIgnored(std::set<std::uint32_t> nodes) {
    const heapscope::AnalysisPtr analysis = m_model->analysis();
    if (!analysis)
        return;
    const quint64 generation = ++m_ignoreGeneration;
    if (nodes.empty()) {
        m_model->setIgnored({}, nullptr);
        m_restore->setEnabled(false);
        expandFirstChain();
        Q_EMIT ignoredChanged();
        return;
    }
    // A BFS over the whole graph: run it on the pool, apply when it is still wanted.
    const std::vector<std::uint32_t> list(nodes.begin(), nodes.end());
    auto* watcher = new QFutureWatcher<std::shared_ptr<const heapscope::RetainerDistances>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, nodes] {
        watcher->deleteLater();
        if (generation != m_ignoreGeneration)
            return;
        m_model->setIgnored(nodes, watcher->result());
        m_restore->setEnabled(true);
        expandFirstChain();
        Q_EMIT ignoredChanged();
    });
    watcher->setFuture(QtConcurrent::run([analysis, list] {
        // no stop flag here: the computation always runs to its end
        return std::make_shared<const heapscope::RetainerDistances>(
            std::move(*heapscope::computeRetainerDistances(*analysis, list)));
    }));
}
