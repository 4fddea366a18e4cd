// SPDX-License-Identifier: MIT
#include "closurespage.h"

#include "jobs/backgroundjob.h"
#include "models/closuresmodel.h"
#include "models/modelroles.h"
#include "navigator.h"
#include "textutil.h"
#include "widgets/viewsetup.h"

#include <heapscope/contexts.h>

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ClosuresPage::ClosuresPage(heapscope::AnalysisPtr analysis, Navigator* navigator, QWidget* parent)
    : QWidget(parent), m_analysis(std::move(analysis)), m_navigator(navigator),
      m_model(new ClosuresModel(this)), m_job(new BackgroundJob(this)) {
    setObjectName(u"closuresPage"_s);
    m_notice = new QLabel(tr("Finding closure variables that no live closure can read…"), this);
    m_notice->setObjectName(u"closuresNotice"_s);
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copyLocation = new QPushButton(tr("Copy Location"), this);
    m_copyLocation->setObjectName(u"closuresCopyLocation"_s);
    m_copyLocation->setToolTip(tr("Copy the selected scope's place in its script as url:line:column"));
    m_copyLocation->setEnabled(false);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 4);
    bar->addWidget(m_notice, 1);
    bar->addWidget(m_copyLocation, 0, Qt::AlignTop);

    m_view = new QTreeView(this);
    m_view->setObjectName(u"closuresView"_s);
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(ClosuresModel::NameColumn, QHeaderView::Stretch);
    for (int c = ClosuresModel::DeadRetainedColumn; c < ClosuresModel::ColumnCount; ++c)
        m_view->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);

    m_withoutScopes = new QLabel(this);
    m_withoutScopes->setObjectName(u"closuresWithoutScopes"_s);
    m_withoutScopes->setWordWrap(true);
    m_withoutScopes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_withoutScopes->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_withoutScopes);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                m_copyLocation->setEnabled(m_model->scopeOf(current) != nullptr);
                const ObjectRef object = current.data(ModelRoles::ObjectRefRole).value<ObjectRef>();
                if (object.isValid())
                    Q_EMIT objectSelected(object);
            });
    // A field opens its value in the Summary (the Retainers pane below follows the selection).
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        const ObjectRef object = index.data(ModelRoles::ObjectRefRole).value<ObjectRef>();
        if (object.isValid() && m_navigator && object.analysis->selfSize[object.node] != 0)
            Q_EMIT m_navigator->revealInSummary(object);
    });
    connect(m_copyLocation, &QPushButton::clicked, this, &ClosuresPage::copyCurrentLocation);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid())
            return;
        QMenu menu(this);
        if (const auto* scope = m_model->scopeOf(index)) {
            const QString location = index.data(ClosuresModel::LocationRole).toString();
            menu.addAction(tr("Copy Location (%1)").arg(location.right(80)), &menu,
                           [location] { QGuiApplication::clipboard()->setText(location); });
            const QString script = TextUtil::toQString(scope->scriptName);
            menu.addAction(tr("Copy Script URL"), &menu,
                           [script] { QGuiApplication::clipboard()->setText(script); });
            menu.addSeparator();
        }
        ViewSetup::addObjectActions(&menu, index.data(ModelRoles::ObjectRefRole).value<ObjectRef>(),
                                    m_navigator);
        if (!menu.isEmpty())
            menu.exec(m_view->viewport()->mapToGlobal(pos));
    });

    // In the background: the Summary is already on screen when this page is made.
    const heapscope::AnalysisPtr a = m_analysis;
    using Result = heapscope::Expected<heapscope::ContextAnalysisPtr>;
    m_job->start([a](JobContext& job) -> Result { return heapscope::analyzeContexts(*a, job.work()); },
                 [this](Result result) {
                     if (!result) {
                         m_notice->setText(result.error().cancelled
                                               ? tr("The closure analysis was stopped.")
                                               : tr("The closure analysis failed: %1")
                                                     .arg(QString::fromStdString(result.error().reason)));
                         Q_EMIT ready();
                         return;
                     }
                     m_model->setResult(m_analysis, *result);
                     showResult();
                     Q_EMIT ready();
                 });
}

void ClosuresPage::showResult() {
    const heapscope::ContextAnalysis* r = m_model->result();
    if (!r)
        return;
    if (!r->skipped.empty()) {
        m_notice->setText(
            tr("The scope sections of this file are broken, so the closure analysis was skipped: %1")
                .arg(QString::fromStdString(r->skipped)));
    } else if (!r->hasScopeSections) {
        m_notice->setText(tr("This snapshot has no scope data, so closure variables cannot be checked: its "
                             "producer does not write the “scopes”, “scope_context_vars” and “scope_uses” "
                             "sections. V8 15.6 (Chromium 156) and later write them; the Node.js and Deno "
                             "versions tried so far do not yet."));
    } else if (r->scopes.empty()) {
        m_notice->setText(
            tr("No closure variable is kept only by its context: every captured variable that is "
               "alive can still be read by a live closure."));
    } else {
        std::size_t contexts = 0;
        std::uint64_t dead = 0;
        for (const auto& s : r->scopes) {
            contexts += s.contexts.size();
            for (const auto& c : s.contexts)
                dead += c.deadFieldsRetainedSizeSum;
        }
        m_notice->setText(
            tr("%1 contexts of %2 scopes hold variables that no live closure can read any more: "
               "their values (retaining %3) stay alive only because a sibling closure keeps the "
               "context. Biggest first; double-click a field to reveal its value in the Summary.")
                .arg(TextUtil::grouped(contexts), TextUtil::grouped(r->scopes.size()),
                     TextUtil::bytesAdaptive(dead)));
        m_view->expand(m_model->index(0, 0));
    }
    if (!r->scriptsWithoutScopes.empty()) {
        QStringList lines;
        for (const auto& s : r->scriptsWithoutScopes)
            lines << (s.contextCount == 1 ? tr("%1 @%2 (%3 live context)") : tr("%1 @%2 (%3 live contexts)"))
                         .arg(s.scriptName.empty() ? tr("(script without a name)")
                                                   : TextUtil::toQString(s.scriptName))
                         .arg(s.scriptNodeId)
                         .arg(s.contextCount);
        m_withoutScopes->setText(
            tr("Scripts with live contexts but no scope data in the file: %1").arg(lines.join(u"; "_s)));
        m_withoutScopes->show();
    }
}

ObjectRef ClosuresPage::currentObject() const {
    return m_view->currentIndex().data(ModelRoles::ObjectRefRole).value<ObjectRef>();
}

bool ClosuresPage::copyCurrentLocation() {
    const QModelIndex index = m_view->currentIndex();
    if (!m_model->scopeOf(index))
        return false;
    QGuiApplication::clipboard()->setText(index.data(ClosuresModel::LocationRole).toString());
    return true;
}
