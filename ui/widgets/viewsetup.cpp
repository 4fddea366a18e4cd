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
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
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

namespace {

constexpr double kNameShare = 0.4; ///< the least part of the width the name column keeps

/// Gives the name column (0, stretching) the spare width: the other columns keep their default or
/// user-chosen widths (remembered per view under its object name), and give up width
/// proportionally when the view is too narrow for the name column to keep kNameShare of it.
class ColumnFitter : public QObject {
public:
    ColumnFitter(QTreeView* view, QList<int> desired)
        : QObject(view), m_view(view), m_desired(std::move(desired)) {
        setObjectName(u"columnFitter"_s);
        const QVariantList saved = QSettings().value(settingsKey()).toList();
        if (saved.size() == m_desired.size())
            for (int c = 1; c < m_desired.size(); ++c)
                m_desired[c] = std::max(m_desired[c] / 4, saved[c].toInt());
        view->viewport()->installEventFilter(this);
        connect(view->header(), &QHeaderView::sectionResized, this, [this](int section, int, int size) {
            if (m_applying || section <= 0 || section >= m_desired.size())
                return;
            m_desired[section] = size; // the user dragged it
            QVariantList widths;
            for (int w : std::as_const(m_desired))
                widths << w;
            QSettings().setValue(settingsKey(), widths);
        });
        apply();
    }

    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Resize)
            apply();
        return QObject::eventFilter(watched, event);
    }

private:
    QString settingsKey() const { return u"columns/"_s + m_view->objectName(); }

    void apply() {
        QHeaderView* header = m_view->header();
        const int available = m_view->viewport()->width();
        const int budget = int(available * (1.0 - kNameShare));
        const int least = QFontMetrics(header->font()).horizontalAdvance(u"99.9 kB"_s) + 12;
        auto widthAt = [&](int c, double scale) {
            return std::max(std::min(least, m_desired[c]), int(m_desired[c] * scale));
        };
        auto total = [&](double scale) {
            int sum = 0;
            for (int c = 1; c < m_desired.size(); ++c)
                sum += m_view->isColumnHidden(c) ? 0 : widthAt(c, scale);
            return sum;
        };
        // The largest scale (at most 1) at which the other columns leave the name its share.
        double scale = 1.0;
        if (available > 0 && total(1.0) > budget) {
            double lo = 0.0, hi = 1.0;
            for (int i = 0; i < 20; ++i) {
                const double mid = (lo + hi) / 2;
                (total(mid) <= budget ? lo : hi) = mid;
            }
            scale = lo;
        }
        m_applying = true;
        for (int c = 1; c < m_desired.size() && c < header->count(); ++c)
            header->resizeSection(c, widthAt(c, scale));
        m_applying = false;
    }

    QTreeView* m_view;
    QList<int> m_desired; ///< per column; [0] unused (the name column stretches)
    bool m_applying = false;
};

} // namespace

void setDefaultColumnWidths(QTreeView* view) {
    QHeaderView* header = view->header();
    const int columns = view->model() ? view->model()->columnCount() : 0;
    const QFontMetrics fm(view->font());
    header->setSectionResizeMode(QHeaderView::Interactive);
    if (columns > 0)
        header->setSectionResizeMode(0, QHeaderView::Stretch);
    QList<int> desired(columns, 0);
    for (int c = 1; c < columns; ++c) {
        const QString title = view->model()->headerData(c, Qt::Horizontal).toString();
        const bool isSize = view->model()->headerData(c, Qt::Horizontal, Qt::InitialSortOrderRole).toInt() ==
                            Qt::DescendingOrder;
        desired[c] = std::max(fm.horizontalAdvance(title) + 36,
                              fm.horizontalAdvance(isSize ? u"12,345 kB  100 %"_s : u"99999"_s) + 24);
    }
    delete view->findChild<QObject*>(u"columnFitter"_s, Qt::FindDirectChildrenOnly);
    new ColumnFitter(view, desired);
}

QLabel* createBanner(QWidget* parent, const QString& objectName) {
    auto* banner = new QLabel(parent);
    banner->setObjectName(objectName);
    banner->setWordWrap(true);
    banner->setTextFormat(Qt::PlainText);
    banner->setMargin(6);
    banner->setAutoFillBackground(true);
    QPalette palette = banner->palette();
    palette.setColor(QPalette::Window, QColor(0xff, 0xf4, 0xce));
    palette.setColor(QPalette::WindowText, QColor(0x3d, 0x2e, 0x00));
    banner->setPalette(palette);
    banner->hide();
    return banner;
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
