#pragma once

// The main window: opens a project and shows its jobs and items. Labeling tools come with the canvas.

#include <QMainWindow>

#include <memory>

class QLabel;
class QListWidget;
class QTableView;

namespace gw::datasets {
class ProjectStore;
}

namespace gw::ui {

class ItemTableModel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens a project file; shows a message and keeps the current project when it cannot.
    bool openProject(const QString &path);

private:
    void chooseProject();
    void showJob(int row);
    void showItem(const QModelIndex &index);
    void updateStatus();

    std::unique_ptr<datasets::ProjectStore> m_store;
    QListWidget *m_jobs = nullptr;
    QTableView *m_items = nullptr;
    ItemTableModel *m_model = nullptr;
    QLabel *m_preview = nullptr;
    QLabel *m_details = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace gw::ui
