// SPDX-License-Identifier: MIT
#include "dominatorspage.h"

#include "models/dominatorsmodel.h"
#include "models/topobjectsmodel.h"
#include "widgets/viewsetup.h"

#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

DominatorsPage::DominatorsPage(heapscope::AnalysisPtr analysis, Navigator* navigator, QWidget* parent)
    : QWidget(parent), m_model(new DominatorsModel(this)), m_top(new TopObjectsModel(this)) {
    setObjectName(u"dominatorsPage"_s);
    m_model->setAnalysis(analysis);
    m_top->setAnalysis(analysis, 100);

    m_view = new QTreeView(this);
    m_view->setObjectName(u"dominatorsView"_s);
    ViewSetup::setupTreeView(m_view, m_model, navigator);
    m_topView = new QTreeView(this);
    m_topView->setObjectName(u"biggestObjectsView"_s);
    ViewSetup::setupTreeView(m_topView, m_top, navigator);
    m_topView->setRootIsDecorated(false);

    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->setSpacing(0);
    auto* title = new QLabel(tr("<b>Biggest objects</b> (top 100 by retained size)"), side);
    title->setContentsMargins(4, 4, 4, 4);
    sideLayout->addWidget(title);
    sideLayout->addWidget(m_topView);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    auto follow = [this](QTreeView* view, auto* model) {
        connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this,
                [this, model](const QModelIndex& c) {
                    const ObjectRef object = model->objectAt(c);
                    if (object.isValid())
                        Q_EMIT objectSelected(object);
                });
    };
    follow(m_view, m_model);
    follow(m_topView, m_top);
    // Choosing a big object takes the tree to it: where it sits is the point of this view.
    connect(m_topView, &QTreeView::activated, this, [this](const QModelIndex& index) {
        const ObjectRef object = m_top->objectAt(index);
        if (object.isValid())
            revealNode(object.node);
    });
    if (m_model->rowCount() > 0)
        m_view->expand(m_model->index(0, 0));
}

bool DominatorsPage::revealNode(heapscope::NodeOrdinal node) {
    const QModelIndex idx = m_model->revealNode(node);
    if (!idx.isValid())
        return false;
    for (QModelIndex p = idx.parent(); p.isValid(); p = p.parent())
        m_view->expand(p);
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx, QAbstractItemView::PositionAtCenter);
    return true;
}
