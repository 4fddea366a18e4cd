// SPDX-License-Identifier: MIT
#include "allocationstackpane.h"

#include "models/allocationmodel.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

AllocationStackPane::AllocationStackPane(AllocationProfileSource* source, QWidget* parent)
    : QWidget(parent), m_source(source) {
    setObjectName(u"allocationStackPane"_s);
    m_title = new QLabel(tr("<b>Allocation stack</b>"), this);
    m_title->setMargin(4);
    m_view = new QTreeWidget(this);
    m_view->setObjectName(u"allocationStackView"_s);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setHeaderLabels({tr("Function"), tr("Script:line")});
    m_view->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_view->header()->setStretchLastSection(false);
    m_view->setColumnWidth(1, 320);
    // The stack as text, for a bug report.
    auto* copy = new QAction(tr("Copy Stack"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    m_view->addAction(copy);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(copy, &QAction::triggered, this, [this] { QApplication::clipboard()->setText(stackText()); });
    m_empty = new QLabel(this);
    m_empty->setObjectName(u"allocationStackEmpty"_s);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(12);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_title);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_empty, 1);
    connect(m_source, &AllocationProfileSource::ready, this, &AllocationStackPane::refresh);
    refresh();
}

void AllocationStackPane::setObject(const ObjectRef& object) {
    if (object == m_object)
        return;
    m_object = object;
    refresh();
}

QString AllocationStackPane::stackText() const {
    QStringList lines;
    for (int i = 0; i < m_view->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_view->topLevelItem(i);
        lines << (item->text(1).isEmpty() ? item->text(0) : item->text(0) + u"  " + item->text(1));
    }
    return lines.join(u'\n');
}

void AllocationStackPane::refresh() {
    m_view->clear();
    const auto profile = m_source->profile();
    QString empty;
    if (!m_object.isValid())
        empty = tr("Select an object to see the stack of the function that allocated it.");
    else if (!m_source->isReady())
        empty = tr("Building the allocation profile…");
    else if (!profile)
        empty = m_source->error();
    else if (m_object.analysis->snapshot != profile->snapshot)
        empty = tr("This object belongs to another snapshot.");
    if (empty.isEmpty()) {
        const auto stack = profile->allocationStack(m_object.node);
        if (!stack || stack->empty())
            empty = tr("No allocation stack: %1 was allocated before allocations were tracked, or the "
                       "allocation was not recorded.")
                        .arg(TextUtil::idText(*m_object.analysis, m_object.node));
        else
            for (const std::uint32_t f : *stack) {
                const auto& info = profile->snapshot->traceFunctionInfos[f];
                QString name = TextUtil::toQString(profile->functionName(f));
                if (name.isEmpty())
                    name = tr("(anonymous)");
                QString where = TextUtil::toQString(profile->scriptName(f));
                if (info.line != 0 && !where.isEmpty())
                    where += u':' + QString::number(info.line);
                auto* item = new QTreeWidgetItem(m_view, {name, where});
                item->setToolTip(
                    1,
                    tr("script %1, line %2, column %3").arg(info.scriptId).arg(info.line).arg(info.column));
            }
    }
    m_title->setText(
        m_object.isValid() && empty.isEmpty()
            ? tr("<b>Allocation stack</b> of %1 %2")
                  .arg(TextUtil::toQString(heapscope::format::nodeLabel(*m_object.analysis, m_object.node))
                           .toHtmlEscaped()
                           .left(200),
                       TextUtil::idText(*m_object.analysis, m_object.node))
            : tr("<b>Allocation stack</b>"));
    m_empty->setText(empty);
    m_view->setVisible(empty.isEmpty());
    m_empty->setVisible(!empty.isEmpty());
}
