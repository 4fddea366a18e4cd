// SPDX-License-Identifier: MIT
#include "containmentpage.h"

#include "models/containmentmodel.h"
#include "widgets/viewsetup.h"

#include <QItemSelectionModel>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ContainmentPage::ContainmentPage(heapscope::AnalysisPtr analysis, Navigator* navigator, QWidget* parent)
    : QWidget(parent), m_model(new ContainmentModel(this)) {
    setObjectName(u"containmentPage"_s);
    m_model->setAnalysis(std::move(analysis));
    m_view = new QTreeView(this);
    m_view->setObjectName(u"containmentView"_s);
    ViewSetup::setupTreeView(m_view, m_model, navigator);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                const ObjectRef object = m_model->objectAt(current);
                if (object.isValid())
                    Q_EMIT objectSelected(object);
            });
    // (GC roots), the target of the root's first edge, is where every path starts; open it.
    const auto a = m_model->analysis();
    if (a && !a->snapshot->edgesOf(a->snapshot->root()).empty()) {
        const heapscope::NodeOrdinal gcRoots =
            a->snapshot->edgeTo[a->snapshot->edgesOf(a->snapshot->root()).first()];
        const QModelIndex idx = m_model->revealChild({}, [this, gcRoots](const HeapTreeModel::Row& r) {
            return r.kind == HeapTreeModel::RowKind::Edge &&
                   m_model->analysis()->snapshot->edgeTo[r.edgeValue()] == gcRoots;
        });
        if (idx.isValid())
            m_view->expand(idx);
    }
}
