"""The import summary as people read it."""

from .load import Summary


def print_summary(summary: Summary, out, *, dry_run: bool = False) -> None:
    prefix = "试运行（未写入数据库）：" if dry_run else "导入完成："
    out.write(f"{prefix}新增 {summary.created} 条，更新 {summary.updated} 条，"
              f"跳过 {len(summary.skipped)} 个。\n")
    for where, reason in summary.skipped:
        out.write(f"  跳过 {where}：{reason}\n")
    if summary.drafts:
        out.write(f"导入为草稿（缺少发布日期）{len(summary.drafts)} 条：不会公开，也未分配索引号；"
                  f"请在管理后台填写发布日期后发布：\n")
        for where, title in summary.drafts:
            out.write(f"  {title}（{where}）\n")
    for where, note in summary.notes:
        out.write(f"  注意 {where}：{note}\n")
    if summary.new_agencies:
        out.write(f"新建发布机构 {len(summary.new_agencies)} 个，请在管理后台核对并补全机构代码："
                  f"{'、'.join(summary.new_agencies)}\n")
    if summary.figure_issues:
        count = sum(len(findings) for _, _, findings in summary.figure_issues)
        out.write(f"数据核验：{len(summary.figure_issues)} 条信息中有 {count} 处数字对不上：\n")
        for where, title, findings in summary.figure_issues:
            for f in findings:
                out.write(f"  {title}（{where}）：{f.claim}，文中 {f.stated}，计算得 {f.computed}\n")

