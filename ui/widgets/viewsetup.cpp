// SPDX-License-Identifier: MIT
#include "viewsetup.h"

#include "models/heaptreemodel.h"
#include "models/modelroles.h"
#include "navigator.h"
#include "objectdelegate.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QTimer>
#include <QTreeView>

using namespace Qt::StringLiterals;

namespace ViewSetup {

void setupTreeView(QTreeView* view, HeapTreeModel* model, Navigator* navigator,
                   std::function<void(QMenu*, const QModelIndex&)> extraActions) {
    view->setModel(model);
    view->setUniformRowHeights(true);
    view->setAllColumnsShowFocus(true);
    view->setAlternatingRowColors(true);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setItemDelegate(new ObjectDelegate(view));
    view->header()->setSortIndicator(model->sortColumn(), model->sortOrder());
    view->setSortingEnabled(true);
    view->header()->setSectionsMovable(false);
    view->header()->setStretchLastSection(false);
    setDefaultColumnWidths(view);

    auto loadMore = [model](const QModelIndex& index) {
        if (model->isMoreRow(index))
            model->fetchMore(index.parent());
    };
    QObject::connect(view, &QTreeView::activated, view, loadMore);
    QObject::connect(view, &QTreeView::doubleClicked, view, loadMore);

    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view,
                     [view, model, navigator, extraActions](const QPoint& pos) {
                         const QModelIndex index = view->indexAt(pos);
                         const ObjectRef object = model->objectAt(index);
                         QMenu menu(view);
                         if (object.isValid()) {
                             addObjectActions(&menu, object, navigator);
                         } else if (index.isValid()) {
                             const QString label =
                                 index.siblingAtColumn(0).data(ModelRoles::LabelRole).toString();
                             if (!label.isEmpty())
                                 menu.addAction(QObject::tr("Copy name"), view,
                                                [label] { QGuiApplication::clipboard()->setText(label); });
                         }
                         if (extraActions && index.isValid())
                             extraActions(&menu, index);
                         if (index.isValid()) {
                             menu.addSeparator();
                             menu.addAction(QObject::tr("Copy row"), view, [index] {
                                 QStringList cells;
                                 for (int c = 0; c < index.model()->columnCount(index.parent()); ++c)
                                     cells << index.siblingAtColumn(c).data().toString();
                                 QGuiApplication::clipboard()->setText(cells.join(u'\t'));
                             });
                         }
                         if (!menu.isEmpty())
                             menu.exec(view->viewport()->mapToGlobal(pos));
                     });
}

void setDefaultColumnWidths(QTreeView* view) {
    QHeaderView* header = view->header();
    const int columns = view->model() ? view->model()->columnCount() : 0;
    const QFontMetrics fm(view->font());
    header->setSectionResizeMode(QHeaderView::Interactive);
    if (columns > 0)
        header->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < columns; ++c) {
        const QString title = view->model()->headerData(c, Qt::Horizontal).toString();
        const bool isSize = view->model()->headerData(c, Qt::Horizontal, Qt::InitialSortOrderRole).toInt() ==
                            Qt::DescendingOrder;
        header->resizeSection(
            c, std::max(fm.horizontalAdvance(title) + 36,
                        fm.horizontalAdvance(isSize ? u"12,345 kB  100 %"_s : u"99999"_s) + 24));
    }
}

QLineEdit* createFilterEdit(QWidget* parent, const QString& placeholder,
                            std::function<void(const QString&)> apply) {
    auto* edit = new QLineEdit(parent);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    auto* timer = new QTimer(edit);
    timer->setSingleShot(true);
    timer->setInterval(300);
    QObject::connect(edit, &QLineEdit::textChanged, timer, qOverload<>(&QTimer::start));
    QObject::connect(timer, &QTimer::timeout, edit, [edit, apply] { apply(edit->text()); });
    // Enter applies at once.
    QObject::connect(edit, &QLineEdit::returnPressed, edit, [edit, timer, apply] {
        timer->stop();
        apply(edit->text());
    });
    return edit;
}

void addObjectActions(QMenu* menu, const ObjectRef& object, Navigator* navigator) {
    if (!object.isValid())
        return;
    const heapscope::Analysis& a = *object.analysis;
    const QString name = TextUtil::toQString(a.displayName(object.node));
    const QString id = TextUtil::idText(a, object.node);
    QAction* reveal = menu->addAction(QObject::tr("Reveal in Summary"), menu,
                                      [navigator, object] { Q_EMIT navigator->revealInSummary(object); });
    // DevTools offers this only for objects the Summary lists (non-zero shallow size).
    reveal->setEnabled(navigator && a.selfSize[object.node] != 0);
    menu->addAction(QObject::tr("Show in Dominators"), menu,
                    [navigator, object] { Q_EMIT navigator->showInDominators(object); })
        ->setEnabled(navigator != nullptr);
    menu->addSeparator();
    menu->addAction(QObject::tr("Copy name"), menu, [name] { QGuiApplication::clipboard()->setText(name); });
    menu->addAction(QObject::tr("Copy %1").arg(id), menu,
                    [id] { QGuiApplication::clipboard()->setText(id); });
    menu->addSeparator();
    menu->addAction(QObject::tr("Copy Retainer Path"), menu,
                    [navigator, object] { Q_EMIT navigator->copyRetainerPath(object); })
        ->setEnabled(navigator != nullptr);
    const QString what =
        TextUtil::toQString(heapscope::format::nodeLabel(a, object.node)).left(200) + u' ' + id;
    menu->addAction(QObject::tr("Export Retainer Paths…"), menu,
                    [navigator, object, what] {
                        Q_EMIT navigator->exportRetainerPaths(object.analysis, {object.node}, what);
                    })
        ->setEnabled(navigator != nullptr);
}

} // namespace ViewSetup
