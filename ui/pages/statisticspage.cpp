// SPDX-License-Identifier: MIT
#include "statisticspage.h"

#include "charts/donutchart.h"
#include "models/statisticsmodel.h"
#include "textutil.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

StatisticsPage::StatisticsPage(heapscope::AnalysisPtr analysis, QWidget* parent)
    : QWidget(parent), m_model(new StatisticsModel(this)) {
    setObjectName(u"statisticsPage"_s);
    m_model->setAnalysis(analysis);
    m_chart = DonutChart::create(this);
    m_chart->setObjectName(u"statisticsChart"_s);
    m_legend = new QTreeView(this);
    m_legend->setObjectName(u"statisticsLegend"_s);
    m_legend->setModel(m_model);
    m_legend->setRootIsDecorated(false);
    m_legend->setUniformRowHeights(true);
    m_legend->setSelectionMode(QAbstractItemView::NoSelection);
    m_legend->header()->setStretchLastSection(false);
    m_legend->header()->setSectionResizeMode(StatisticsModel::CategoryColumn, QHeaderView::Stretch);
    m_legend->header()->setSectionResizeMode(StatisticsModel::SizeColumn, QHeaderView::ResizeToContents);
    m_legend->header()->setSectionResizeMode(StatisticsModel::PercentColumn, QHeaderView::ResizeToContents);
    m_total = new QLabel(this);
    m_total->setObjectName(u"statisticsTotal"_s);
    QFont f = m_total->font();
    f.setBold(true);
    m_total->setFont(f);

    const std::uint64_t total = m_model->total();
    // One number in the heading; the exact byte count is in the tooltip.
    m_total->setText(tr("Total: %1").arg(TextUtil::bytesAdaptive(total)));
    m_total->setToolTip(tr("%1 bytes").arg(TextUtil::grouped(total)));
    QList<ChartSlice> slices;
    for (const auto& c : m_model->categories())
        slices.append({c.name, double(c.bytes), c.color});
    m_chart->setSlices(slices, TextUtil::bytesAdaptive(total));

    auto* right = new QVBoxLayout;
    right->addWidget(m_total);
    right->addWidget(m_legend, 1);
    if (analysis && analysis->snapshot->extraNativeBytes > 0)
        right->addWidget(
            new QLabel(tr("Includes %1 of native memory reported by the embedder.")
                           .arg(TextUtil::bytesAdaptive(std::uint64_t(analysis->snapshot->extraNativeBytes))),
                       this));
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_chart, 3);
    layout->addLayout(right, 2);
}
