// SPDX-License-Identifier: MIT
#include "series/trendmodels.h"

#include "models/modelroles.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace {

// Class rows have internal id 0; a leak row under class row r has r + 1.
constexpr quintptr kClassRow = 0;

QString signedCount(std::int64_t v) {
    return QString::fromStdString(heapscope::format::signedCount(v));
}
QString signedBytes(std::int64_t v) {
    return QString::fromStdString(heapscope::format::signedBytes(v));
}

template <typename T> QList<qreal> sparkline(const std::vector<T>& values) {
    QList<qreal> out;
    out.reserve(qsizetype(values.size()));
    for (T v : values)
        out.append(qreal(v));
    return out;
}

// "+1,000 per step" from the counts: the average change per interval, rounded.
std::int64_t averageStep(const std::vector<std::uint32_t>& counts) {
    if (counts.size() < 2)
        return 0;
    const std::int64_t total = std::int64_t(counts.back()) - std::int64_t(counts.front());
    return total / std::int64_t(counts.size() - 1);
}

QString countsText(const std::vector<std::uint32_t>& counts) {
    QStringList parts;
    for (std::uint32_t c : counts)
        parts << TextUtil::grouped(c);
    return parts.join(u" → "_s);
}

QVariant verdictColor(heapscope::TrendVerdict verdict) {
    switch (verdict) {
    case heapscope::TrendVerdict::Grows:
        return QColor(0xd0, 0x3a, 0x2f);
    case heapscope::TrendVerdict::Plateau:
    case heapscope::TrendVerdict::Oscillates:
    case heapscope::TrendVerdict::Freed:
        return QGuiApplication::palette().color(QPalette::PlaceholderText);
    default:
        return {};
    }
}

} // namespace

QString leakPathText(const heapscope::LeakGroup& leak) {
    return TextUtil::toQString(heapscope::describeHolderPath(leak.className, leak.path, "\n← "));
}

// ---- TrendModel ----

TrendModel::TrendModel(QObject* parent) : QAbstractItemModel(parent) {}

void TrendModel::setSeries(std::shared_ptr<const heapscope::Series> series) {
    beginResetModel();
    m_series = std::move(series);
    m_leaksOfClass.clear();
    if (m_series) {
        m_leaksOfClass.resize(m_series->classes.size());
        for (std::size_t l = 0; l < m_series->leaks.size(); ++l)
            for (std::size_t c = 0; c < m_series->classes.size(); ++c)
                if (m_series->classes[c].key == m_series->leaks[l].classKey) {
                    m_leaksOfClass[c].push_back(int(l));
                    break;
                }
    }
    endResetModel();
}

int TrendModel::snapshotCount() const {
    return m_series ? int(m_series->loadedCount) : 0;
}

QModelIndex TrendModel::index(int row, int column, const QModelIndex& parent) const {
    if (!m_series || row < 0 || column < 0 || column >= columnCount())
        return {};
    if (!parent.isValid()) {
        if (std::size_t(row) >= m_series->classes.size())
            return {};
        return createIndex(row, column, kClassRow);
    }
    if (parent.internalId() != kClassRow || std::size_t(parent.row()) >= m_leaksOfClass.size() ||
        std::size_t(row) >= m_leaksOfClass[std::size_t(parent.row())].size())
        return {};
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex TrendModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == kClassRow)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kClassRow);
}

int TrendModel::rowCount(const QModelIndex& parent) const {
    if (!m_series)
        return 0;
    if (!parent.isValid())
        return int(m_series->classes.size());
    if (parent.internalId() != kClassRow || parent.column() != 0)
        return 0;
    return int(m_leaksOfClass[std::size_t(parent.row())].size());
}

int TrendModel::columnCount(const QModelIndex&) const {
    return 2 + 3 * snapshotCount() + 4;
}

QVariant TrendModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_series)
        return {};
    if (index.internalId() == kClassRow) {
        if (role == TrendRoles::ClassIndexRole)
            return index.row();
        if (role == TrendRoles::LeakIndexRole)
            return -1;
        return classData(m_series->classes[std::size_t(index.row())], index.column(), role);
    }
    const int leak = m_leaksOfClass[index.internalId() - 1][std::size_t(index.row())];
    if (role == TrendRoles::LeakIndexRole)
        return leak;
    if (role == TrendRoles::ClassIndexRole)
        return -1;
    return leakData(m_series->leaks[std::size_t(leak)], index.column(), role);
}

QVariant TrendModel::classData(const heapscope::TrendRow& row, int column, int role) const {
    const int n = snapshotCount();
    if (role == TrendRoles::SparklineRole && column == sparklineColumn())
        return QVariant::fromValue(sparkline(row.counts));
    const bool display = role == Qt::DisplayRole;
    const bool sort = role == ModelRoles::SortRole;
    if (column == nameColumn()) {
        if (display || sort)
            return TextUtil::toQString(row.name);
        if (role == Qt::ToolTipRole)
            return TextUtil::toQString(row.key);
        return {};
    }
    if (column == sparklineColumn()) {
        if (sort)
            return qlonglong(std::int64_t(row.counts.back()) - std::int64_t(row.counts.front()));
        if (role == Qt::ToolTipRole)
            return countsText(row.counts);
        return {};
    }
    if (role == Qt::TextAlignmentRole && column != verdictColumn())
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (column >= countColumn(0) && column < countColumn(n)) {
        const auto v = row.counts[std::size_t(column - countColumn(0))];
        return display ? QVariant(TextUtil::grouped(v)) : sort ? QVariant(qulonglong(v)) : QVariant();
    }
    if (column >= selfSizeColumn(0) && column < selfSizeColumn(n)) {
        const auto v = row.selfSizes[std::size_t(column - selfSizeColumn(0))];
        if (role == Qt::ToolTipRole)
            return TextUtil::exactBytes(v);
        return display ? QVariant(TextUtil::bytesAdaptive(v)) : sort ? QVariant(qulonglong(v)) : QVariant();
    }
    if (column >= retainedColumn(0) && column < retainedColumn(n)) {
        const auto v = row.retainedSizes[std::size_t(column - retainedColumn(0))];
        if (role == Qt::ToolTipRole)
            return TextUtil::exactBytes(v);
        return display ? QVariant(TextUtil::bytesAdaptive(v)) : sort ? QVariant(qulonglong(v)) : QVariant();
    }
    if (column == countChangeColumn()) {
        const std::int64_t v = std::int64_t(row.counts.back()) - std::int64_t(row.counts.front());
        return display ? QVariant(signedCount(v)) : sort ? QVariant(qlonglong(v)) : QVariant();
    }
    if (column == retainedChangeColumn()) {
        const std::int64_t v =
            std::int64_t(row.retainedSizes.back()) - std::int64_t(row.retainedSizes.front());
        return display ? QVariant(signedBytes(v)) : sort ? QVariant(qlonglong(v)) : QVariant();
    }
    if (column == growsColumn()) {
        if (display)
            return row.growsEveryInterval ? u"▲"_s : QString();
        if (sort)
            return row.growsEveryInterval ? 1 : 0;
        if (role == Qt::ToolTipRole && row.growsEveryInterval)
            return tr("Grew in every interval");
        if (role == Qt::ForegroundRole && row.growsEveryInterval)
            return verdictColor(heapscope::TrendVerdict::Grows);
        return {};
    }
    if (column == verdictColumn()) {
        if (display || sort)
            return QString::fromLatin1(heapscope::trendVerdictName(row.verdict));
        if (role == Qt::ToolTipRole)
            return QString::fromLatin1(heapscope::trendVerdictReason(row.verdict));
        if (role == Qt::ForegroundRole)
            return verdictColor(row.verdict);
    }
    return {};
}

QVariant TrendModel::leakData(const heapscope::LeakGroup& leak, int column, int role) const {
    const int n = snapshotCount();
    if (role == TrendRoles::SparklineRole && column == sparklineColumn())
        return QVariant::fromValue(sparkline(leak.counts));
    const bool display = role == Qt::DisplayRole;
    const bool sort = role == ModelRoles::SortRole;
    if (column == nameColumn()) {
        QString text = TextUtil::toQString(leak.description);
        const QString prefix = TextUtil::toQString(leak.className);
        if (text.startsWith(prefix))
            text = text.mid(prefix.size()).trimmed();
        if (display || sort)
            return text;
        if (role == Qt::ToolTipRole)
            return TextUtil::toQString(leak.reason);
        if (role == Qt::ForegroundRole)
            return verdictColor(heapscope::TrendVerdict::Grows);
        return {};
    }
    if (role == Qt::TextAlignmentRole && column != verdictColumn())
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (column >= countColumn(0) && column < countColumn(n)) {
        const auto v = leak.counts[std::size_t(column - countColumn(0))];
        return display ? QVariant(TextUtil::grouped(v)) : sort ? QVariant(qulonglong(v)) : QVariant();
    }
    if (column >= selfSizeColumn(0) && column < selfSizeColumn(n)) {
        const auto v = leak.selfSizes[std::size_t(column - selfSizeColumn(0))];
        return display ? QVariant(TextUtil::bytesAdaptive(v)) : sort ? QVariant(qulonglong(v)) : QVariant();
    }
    if (column >= retainedColumn(0) && column < retainedColumn(n)) {
        const auto v = leak.retainedSizes[std::size_t(column - retainedColumn(0))];
        return display ? QVariant(TextUtil::bytesAdaptive(v)) : sort ? QVariant(qulonglong(v)) : QVariant();
    }
    if (column == countChangeColumn())
        return display ? QVariant(signedCount(leak.countGrowth()))
               : sort  ? QVariant(qlonglong(leak.countGrowth()))
                       : QVariant();
    if (column == retainedChangeColumn())
        return display ? QVariant(signedBytes(leak.retainedGrowth()))
               : sort  ? QVariant(qlonglong(leak.retainedGrowth()))
                       : QVariant();
    if (column == growsColumn() && display)
        return u"▲"_s;
    if (column == verdictColumn() && (display || sort))
        return tr("leak");
    return {};
}

QVariant TrendModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const int n = snapshotCount();
    if (section == nameColumn())
        return tr("Constructor");
    if (section == sparklineColumn())
        return tr("Trend");
    if (section >= countColumn(0) && section < countColumn(n))
        return tr("Count #%1").arg(section - countColumn(0) + 1);
    if (section >= selfSizeColumn(0) && section < selfSizeColumn(n))
        return tr("Shallow #%1").arg(section - selfSizeColumn(0) + 1);
    if (section >= retainedColumn(0) && section < retainedColumn(n))
        return tr("Retained #%1").arg(section - retainedColumn(0) + 1);
    if (section == countChangeColumn())
        return tr("Δ Count");
    if (section == retainedChangeColumn())
        return tr("Δ Retained");
    if (section == growsColumn())
        return tr("Grows");
    if (section == verdictColumn())
        return tr("Verdict");
    return {};
}

// ---- LeakGroupModel ----

LeakGroupModel::LeakGroupModel(QObject* parent) : QAbstractItemModel(parent) {}

void LeakGroupModel::setSeries(std::shared_ptr<const heapscope::Series> series) {
    beginResetModel();
    m_series = std::move(series);
    endResetModel();
}

QModelIndex LeakGroupModel::index(int row, int column, const QModelIndex& parent) const {
    if (parent.isValid() || row < 0 || row >= rowCount() || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column);
}

QModelIndex LeakGroupModel::parent(const QModelIndex&) const {
    return {};
}

int LeakGroupModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !m_series ? 0 : int(m_series->leaks.size());
}

int LeakGroupModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LeakGroupModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_series)
        return {};
    const heapscope::LeakGroup& leak = m_series->leaks[std::size_t(index.row())];
    if (role == TrendRoles::LeakIndexRole)
        return index.row();
    if (role == TrendRoles::SparklineRole && index.column() == Sparkline)
        return QVariant::fromValue(sparkline(leak.counts));
    const bool display = role == Qt::DisplayRole;
    const bool sort = role == ModelRoles::SortRole;
    if (role == Qt::TextAlignmentRole && index.column() != HeldAs && index.column() != Reason)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    switch (index.column()) {
    case HeldAs:
        if (display || sort)
            return TextUtil::toQString(leak.description);
        if (role == Qt::ToolTipRole)
            return leakPathText(leak);
        break;
    case Sparkline:
        if (role == Qt::ToolTipRole)
            return countsText(leak.counts);
        if (sort)
            return qlonglong(leak.countGrowth());
        break;
    case Count:
        return display ? QVariant(TextUtil::grouped(leak.counts.back()))
               : sort  ? QVariant(qulonglong(leak.counts.back()))
                       : QVariant();
    case PerStep:
        return display ? QVariant(signedCount(averageStep(leak.counts)))
               : sort  ? QVariant(qlonglong(averageStep(leak.counts)))
                       : QVariant();
    case Retained:
        if (role == Qt::ToolTipRole)
            return TextUtil::exactBytes(leak.retainedSize());
        return display ? QVariant(TextUtil::bytesAdaptive(leak.retainedSize()))
               : sort  ? QVariant(qulonglong(leak.retainedSize()))
                       : QVariant();
    case RetainedChange:
        return display ? QVariant(signedBytes(leak.retainedGrowth()))
               : sort  ? QVariant(qlonglong(leak.retainedGrowth()))
                       : QVariant();
    case Survivors:
        if (!m_series->idsMatch)
            return display ? QVariant(u"–"_s) : sort ? QVariant(-1) : QVariant();
        return display ? QVariant(TextUtil::grouped(leak.survivors))
               : sort  ? QVariant(qulonglong(leak.survivors))
                       : QVariant();
    case Reason:
        if (display || sort || role == Qt::ToolTipRole)
            return TextUtil::toQString(leak.reason);
        break;
    default:
        break;
    }
    return {};
}

QVariant LeakGroupModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == Survivors)
        return tr(
            "Objects allocated after the first snapshot that are still alive in the last (one process only)");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case HeldAs:
        return tr("Objects held the same way");
    case Sparkline:
        return tr("Trend");
    case Count:
        return tr("Count");
    case PerStep:
        return tr("Per step");
    case Retained:
        return tr("Retained");
    case RetainedChange:
        return tr("Δ Retained");
    case Survivors:
        return tr("Survivors");
    case Reason:
        return tr("Why it is listed");
    default:
        return {};
    }
}
