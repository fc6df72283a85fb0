#include "datasets/workpool.h"

#include <QThread>
#include <QThreadPool>

#include <algorithm>

namespace gw {

QThreadPool *workPool()
{
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool; // never destroyed: tasks may still run while static objects go at exit
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        p->setExpiryTimeout(30000);
        return p;
    }();
    return pool;
}

} // namespace gw
