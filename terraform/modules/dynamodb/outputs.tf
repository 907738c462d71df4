output "table_names" {
  description = "Table names, by logical table (users, games, ...)."
  value       = { for k, t in aws_dynamodb_table.this : k => t.name }
}

output "table_arns" {
  description = "ARNs of every table."
  value       = [for t in aws_dynamodb_table.this : t.arn]
}

output "index_arns" {
  description = "ARNs of every global secondary index."
  value = flatten([
    for k, t in aws_dynamodb_table.this : [
      for name in keys(local.tables[k].indexes) : "${t.arn}/index/${name}"
    ]
  ])
}
