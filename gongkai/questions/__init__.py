"""Search that learns from answered questions.

Citizens ask in their own words (“孩子上学要什么材料”); the documents that answered them
(12345 热线、政务问答、依申请公开答复) teach search which catalogue words those words mean.
This app keeps the questions and their answers, learns a ranking model from them
(``learning``), stores it (``store``) and plugs it into every search backend through the
RERANK and EXPAND hooks (``search``). It sits above documents and search, never below.
"""
